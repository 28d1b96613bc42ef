package io.marketprism.collector.connection;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how one feed connection connects. Built with {@link #builder(URI)}; every value is validated.
 *
 * @param webSocketUri the exchange's (or simulator's) WebSocket URL, used as given (e.g.
 *     {@code wss://stream.binance.com:9443/stream}, {@code wss://ws.okx.com:8443/ws/v5/public},
 *     {@code wss://www.deribit.com/ws/api/v2})
 * @param restUri base URL of REST snapshots (Binance {@code https://api.binance.com}); may be null for
 *     exchanges that need none
 * @param initialBackoff first reconnect delay; doubles per failed attempt
 * @param maxBackoff cap of the reconnect delay
 * @param idleTimeout a connection that delivers no frame for this long is dropped and re-made
 * @param lifetimeMargin how long before the exchange's connection lifetime limit to reconnect
 * @param connectTimeout limit of the WebSocket handshake and of REST snapshot requests
 * @param keepAliveInterval how often to send the protocol's keep-alive; null for the protocol's own
 */
public record ConnectionSettings(
    URI webSocketUri,
    URI restUri,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration idleTimeout,
    Duration lifetimeMargin,
    Duration connectTimeout,
    Duration keepAliveInterval) {

  public ConnectionSettings {
    Objects.requireNonNull(webSocketUri, "webSocketUri");
    String scheme = webSocketUri.getScheme();
    if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
      throw new IllegalArgumentException("webSocketUri must be ws:// or wss://: " + webSocketUri);
    }
    if (restUri != null && !"http".equals(restUri.getScheme()) && !"https".equals(restUri.getScheme())) {
      throw new IllegalArgumentException("restUri must be http:// or https://: " + restUri);
    }
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
    }
    positive(idleTimeout, "idleTimeout");
    Objects.requireNonNull(lifetimeMargin, "lifetimeMargin");
    positive(connectTimeout, "connectTimeout");
    if (keepAliveInterval != null) {
      positive(keepAliveInterval, "keepAliveInterval");
    }
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  /** Defaults: backoff 250 ms doubling to 30 s, idle timeout 60 s, reconnect 10 min before a lifetime limit. */
  public static Builder builder(URI webSocketUri) {
    return new Builder(webSocketUri);
  }

  /** Builds {@link ConnectionSettings}. */
  public static final class Builder {
    private final URI webSocketUri;
    private URI restUri;
    private Duration initialBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration lifetimeMargin = Duration.ofMinutes(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration keepAliveInterval;

    private Builder(URI webSocketUri) {
      this.webSocketUri = webSocketUri;
    }

    public Builder restUri(URI value) {
      restUri = value;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    public Builder idleTimeout(Duration value) {
      idleTimeout = value;
      return this;
    }

    public Builder lifetimeMargin(Duration value) {
      lifetimeMargin = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder keepAliveInterval(Duration value) {
      keepAliveInterval = value;
      return this;
    }

    public ConnectionSettings build() {
      return new ConnectionSettings(webSocketUri, restUri, initialBackoff, maxBackoff, idleTimeout,
          lifetimeMargin, connectTimeout, keepAliveInterval);
    }
  }
}
