package io.marketprism.simulator.exchange.okx;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.feed.WebSocketEndpoint;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.Optional;

/**
 * OKX's public WebSocket, {@code /ws/v5/public}. Like OKX, a connection with no traffic either way for the idle
 * timeout (30 s on OKX) is closed: clients are expected to send {@code ping}.
 */
public final class OkxEndpoint implements WebSocketEndpoint {

  private final Markets markets;
  private final FaultInjector faults;
  private final Duration idleTimeout;

  public OkxEndpoint(Markets markets, FaultInjector faults, Duration idleTimeout) {
    this.markets = markets;
    this.faults = faults;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/ws/v5/public");
  }

  @Override
  public String exchange() {
    return "okx";
  }

  @Override
  public Optional<Duration> idleTimeout() {
    return idleTimeout.isZero() ? Optional.empty() : Optional.of(idleTimeout);
  }

  @Override
  public ProtocolSession open(WebSocketConnection connection, QueryStringDecoder request) {
    return new OkxSession(markets, connection, faults);
  }
}
