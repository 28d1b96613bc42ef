package io.marketprism.simulator.feed;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.Optional;

/** A WebSocket path family of one exchange, e.g. Binance's {@code /ws}, {@code /ws/<stream>} and {@code /stream}. */
public interface WebSocketEndpoint {

  /** Whether this endpoint serves {@code path} (the request path without the query). */
  boolean handles(String path);

  /** The exchange name used for logs, stats and fault targeting ({@code binance}, {@code okx}, {@code deribit}). */
  String exchange();

  /** How long a connection may go without traffic either way before it is closed, if the exchange does that. */
  default Optional<Duration> idleTimeout() {
    return Optional.empty();
  }

  /**
   * Starts the conversation on a freshly upgraded connection.
   *
   * @throws IllegalArgumentException if the path or query names something that does not exist; the message is sent
   *     to the client and the connection closed
   */
  ProtocolSession open(WebSocketConnection connection, QueryStringDecoder request);
}
