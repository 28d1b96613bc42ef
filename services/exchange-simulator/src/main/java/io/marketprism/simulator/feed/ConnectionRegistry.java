package io.marketprism.simulator.feed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Every open client WebSocket, so that faults can drop them. Thread-safe (a concurrent set). */
public final class ConnectionRegistry {

  private final Set<WebSocketConnection> open = ConcurrentHashMap.newKeySet();

  void add(WebSocketConnection connection) {
    open.add(connection);
  }

  void remove(WebSocketConnection connection) {
    open.remove(connection);
  }

  public int size() {
    return open.size();
  }

  /**
   * Drops a random {@code fraction} (0..1, rounded up) of the open connections, only those of {@code exchange} when
   * given; returns how many were dropped.
   */
  public int drop(Optional<String> exchange, double fraction) {
    List<WebSocketConnection> candidates = new ArrayList<>();
    for (WebSocketConnection connection : open) {
      if (exchange.isEmpty() || exchange.get().equals(connection.exchange())) {
        candidates.add(connection);
      }
    }
    Collections.shuffle(candidates, ThreadLocalRandom.current());
    int count = (int) Math.ceil(candidates.size() * fraction);
    for (WebSocketConnection connection : candidates.subList(0, count)) {
      connection.abort();
    }
    return count;
  }
}
