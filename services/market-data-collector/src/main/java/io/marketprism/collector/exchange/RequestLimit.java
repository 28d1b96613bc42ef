package io.marketprism.collector.exchange;

import java.time.Duration;

/**
 * How many subscribe and unsubscribe requests (messages) one connection may send in any {@code window}, e.g. OKX's
 * 480 an hour.
 */
public record RequestLimit(int requests, Duration window) {
  public RequestLimit {
    if (requests < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a request limit needs at least 1 request per positive window");
    }
  }
}
