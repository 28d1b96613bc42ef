package io.marketprism.collector.connection;

import io.marketprism.collector.exchange.RequestLimit;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A sliding window over the requests one connection sent: at most {@link RequestLimit#requests()} in any
 * {@link RequestLimit#window()} (a fixed window would allow twice the limit across its boundary). Without a limit
 * every request is available. Times are {@code System.nanoTime()}-style readings. Not thread-safe.
 */
final class RequestBudget {
  private final Optional<RequestLimit> limit;
  private final long windowNanos;
  /** When each request still inside the window was sent, oldest first. */
  private final ArrayDeque<Long> sent = new ArrayDeque<>();

  RequestBudget(Optional<RequestLimit> limit) {
    this.limit = limit;
    this.windowNanos = limit.map(l -> l.window().toNanos()).orElse(0L);
  }

  /** How many requests may be sent at {@code now}. */
  int available(long now) {
    if (limit.isEmpty()) {
      return Integer.MAX_VALUE;
    }
    while (!sent.isEmpty() && now - sent.peekFirst() >= windowNanos) {
      sent.pollFirst();
    }
    return limit.get().requests() - sent.size();
  }

  /** Records {@code count} requests sent at {@code now}; call only within {@link #available}. */
  void spend(long now, int count) {
    if (limit.isEmpty()) {
      return;
    }
    for (int i = 0; i < count; i++) {
      sent.addLast(now);
    }
  }

  /** When the next request may be sent, if none may be now: when the oldest one in the window leaves it. */
  long nextAvailableNanos(long now) {
    return available(now) > 0 ? now : sent.peekFirst() + windowNanos;
  }

  /** A new connection: nothing sent yet. */
  void reset() {
    sent.clear();
  }

  Optional<RequestLimit> limit() {
    return limit;
  }
}
