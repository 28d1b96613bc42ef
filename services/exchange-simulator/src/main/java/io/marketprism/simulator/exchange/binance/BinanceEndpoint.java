package io.marketprism.simulator.exchange.binance;

import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.feed.WebSocketEndpoint;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Binance's market-stream paths under a prefix: {@code <prefix>/ws} (raw frames, subscribe by request),
 * {@code <prefix>/ws/<stream>[/<stream>...]} (raw frames of the named streams) and
 * {@code <prefix>/stream?streams=<a>/<b>} (combined: {@code {"stream":"<a>","data":{...}}}).
 *
 * <p>Spot is served with the empty prefix, USDⓈ-M futures with {@code /fapi}, so a collector's base URL is
 * {@code ws://host:7208} for spot and {@code ws://host:7208/fapi} for futures.
 */
public final class BinanceEndpoint implements WebSocketEndpoint {

  private final Exchange exchange;
  private final String prefix;
  private final Markets markets;
  private final FaultInjector faults;

  public BinanceEndpoint(Exchange exchange, Markets markets, FaultInjector faults) {
    if (exchange != Exchange.BINANCE_SPOT && exchange != Exchange.BINANCE_FUTURES) {
      throw new IllegalArgumentException("not a Binance market: " + exchange);
    }
    this.exchange = exchange;
    this.prefix = exchange == Exchange.BINANCE_FUTURES ? "/fapi" : "";
    this.markets = markets;
    this.faults = faults;
  }

  @Override
  public boolean handles(String path) {
    // stream names always contain '@', which keeps OKX's /ws/v5/public and Deribit's /ws/api/v2 out of /ws/<stream>
    return path.equals(prefix + "/ws") || path.startsWith(prefix + "/ws/") && path.contains("@")
        || path.equals(prefix + "/stream")
        || path.equals(prefix + "/stream/");
  }

  @Override
  public String exchange() {
    return "binance";
  }

  @Override
  public ProtocolSession open(WebSocketConnection connection, QueryStringDecoder request) {
    String path = request.path();
    boolean combined = path.startsWith(prefix + "/stream");
    List<String> streams = new ArrayList<>();
    if (combined) {
      for (String value : request.parameters().getOrDefault("streams", List.of())) {
        streams.addAll(split(value));
      }
    } else if (path.length() > (prefix + "/ws/").length()) {
      streams.addAll(split(path.substring((prefix + "/ws/").length())));
    }
    BinanceSession session = new BinanceSession(exchange, markets, connection, faults, combined);
    session.subscribeAll(streams);
    return session;
  }

  private static List<String> split(String streams) {
    List<String> names = new ArrayList<>();
    for (String name : streams.split("/")) {
      if (!name.isBlank()) {
        names.add(name);
      }
    }
    return names;
  }
}
