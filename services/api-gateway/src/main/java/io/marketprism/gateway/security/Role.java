package io.marketprism.gateway.security;

/** What a caller of the gateway may do, from least to most: each role may do everything the ones before it may. */
public enum Role {
  /** Market-data and status reads. */
  READER,
  /** Reads, writes of data, and operations (streams, tasks, config, archive). */
  OPERATOR,
  /** Everything, including registry changes and secrets. */
  ADMIN
}
