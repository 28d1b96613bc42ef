package io.marketprism.config.domain;

/** Key prefixes match whole segments: {@code clickhouse} covers {@code clickhouse} and {@code clickhouse.url}. */
public final class KeyPrefixes {

  private KeyPrefixes() {}

  /** Whether {@code key} is {@code prefix} or under it; every key is under the empty prefix. */
  public static boolean covers(String prefix, String key) {
    return prefix.isEmpty() || key.equals(prefix) || key.startsWith(prefix + ".");
  }
}
