package io.marketprism.config.domain;

/** How a value is checked on write; values are always UTF-8 text. */
public enum ValueType {
  STRING,
  JSON,
  YAML
}
