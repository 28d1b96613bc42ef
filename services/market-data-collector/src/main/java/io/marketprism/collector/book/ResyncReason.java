package io.marketprism.collector.book;

/** Why a book needs a fresh snapshot. */
public enum ResyncReason {
  /**
   * The book has never been seeded and the exchange sends no snapshot in-stream (Binance): fetch the REST
   * snapshot. Routine, not a fault.
   */
  NO_SNAPSHOT,
  /** An update did not follow the previous one: updates were lost. */
  SEQUENCE_GAP,
  /** The local book's CRC32 differs from the exchange's (OKX). */
  CHECKSUM_MISMATCH,
  /** The snapshot is older than the first buffered update (Binance): a newer snapshot is needed. */
  STALE_SNAPSHOT
}
