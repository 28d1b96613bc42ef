package io.marketprism.simulator.exchange.deribit;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.feed.WebSocketEndpoint;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;

/** Deribit's JSON-RPC WebSocket, {@code /ws/api/v2}. */
public final class DeribitEndpoint implements WebSocketEndpoint {

  private final Markets markets;
  private final FaultInjector faults;
  private final Duration minHeartbeat;

  /** @param minHeartbeat the shortest {@code set_heartbeat} interval accepted (Deribit: 10 s) */
  public DeribitEndpoint(Markets markets, FaultInjector faults, Duration minHeartbeat) {
    this.markets = markets;
    this.faults = faults;
    this.minHeartbeat = minHeartbeat;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/ws/api/v2");
  }

  @Override
  public String exchange() {
    return "deribit";
  }

  @Override
  public ProtocolSession open(WebSocketConnection connection, QueryStringDecoder request) {
    return new DeribitSession(markets, connection, faults, minHeartbeat);
  }
}
