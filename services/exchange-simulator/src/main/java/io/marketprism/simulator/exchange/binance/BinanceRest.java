package io.marketprism.simulator.exchange.binance;

import io.marketprism.simulator.feed.HttpEndpoint;
import io.marketprism.simulator.feed.HttpReply;
import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Binance's REST routes a collector needs: {@code GET /api/v3/depth} (spot), {@code GET /fapi/v1/depth} and
 * {@code GET /fapi/v1/openInterest} (futures). Snapshots are taken under the market's lock, so their
 * {@code lastUpdateId} lines up exactly with the {@code U}/{@code u} of the depth streams. Errors use Binance's
 * {@code {"code":-1121,"msg":"Invalid symbol."}} shape.
 */
public final class BinanceRest implements HttpEndpoint {

  private static final Set<Integer> FUTURES_LIMITS = Set.of(5, 10, 20, 50, 100, 500, 1000);

  private final Markets markets;
  private final Clock clock;

  public BinanceRest(Markets markets, Clock clock) {
    this.markets = markets;
    this.clock = clock;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/api/v3/depth") || path.equals("/fapi/v1/depth") || path.equals("/fapi/v1/openInterest");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.method().equals(HttpMethod.GET)) {
      return binanceError(405, -1000, "Only GET is supported here.");
    }
    boolean futures = uri.path().startsWith("/fapi");
    String symbol = HttpEndpoint.parameter(uri, "symbol").orElse("");
    if (symbol.isEmpty()) {
      return binanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    }
    Optional<Market> market = markets.find(futures ? Exchange.BINANCE_FUTURES : Exchange.BINANCE_SPOT, symbol);
    if (market.isEmpty()) {
      return binanceError(400, -1121, "Invalid symbol.");
    }
    BinanceFormat format = new BinanceFormat(market.get().instrument());
    if (uri.path().equals("/fapi/v1/openInterest")) {
      return HttpReply.ok(format.openInterest(market.get().stats(), clock.millis()));
    }
    int limit;
    try {
      limit = Integer.parseInt(HttpEndpoint.parameter(uri, "limit").orElse(futures ? "500" : "100"));
    } catch (NumberFormatException e) {
      return binanceError(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.");
    }
    if (futures ? !FUTURES_LIMITS.contains(limit) : limit < 1 || limit > 5000) {
      return binanceError(400, -1130, "Invalid data sent for a parameter.");
    }
    BookSnapshot book = market.get().snapshot(limit);
    return HttpReply.ok(format.depthSnapshot(book, clock.millis()));
  }


  private static HttpReply binanceError(int status, int code, String message) {
    return new HttpReply(status, "{\"code\":" + code + ",\"msg\":" + io.marketprism.simulator.feed.Json.quote(message) + "}");
  }
}
