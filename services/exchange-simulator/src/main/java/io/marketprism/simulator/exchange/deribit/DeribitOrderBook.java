package io.marketprism.simulator.exchange.deribit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.feed.HttpEndpoint;
import io.marketprism.simulator.feed.HttpReply;
import io.marketprism.simulator.market.BookSnapshot;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;

/**
 * {@code public/get_order_book}, over the WebSocket and as {@code GET /api/v2/public/get_order_book
 * ?instrument_name=&depth=}: the book with its {@code change_id}, taken under the market's lock so it lines up with
 * the {@code book.*} channels.
 */
public final class DeribitOrderBook implements HttpEndpoint {

  private static final int DEFAULT_DEPTH = 20;

  private final Markets markets;

  public DeribitOrderBook(Markets markets) {
    this.markets = markets;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/api/v2/public/get_order_book");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    long usIn = System.currentTimeMillis() * 1000;
    String instrument = HttpEndpoint.parameter(uri, "instrument_name").orElse("");
    String depth = HttpEndpoint.parameter(uri, "depth").orElse(Integer.toString(DEFAULT_DEPTH));
    int parsedDepth;
    try {
      parsedDepth = Integer.parseInt(depth);
    } catch (NumberFormatException e) {
      return new HttpReply(400, DeribitRpc.error(null, -32602, "Invalid params: depth must be an integer"));
    }
    String answer = book(null, instrument, parsedDepth, usIn);
    return new HttpReply(answer.contains("\"error\"") ? 400 : 200, answer);
  }

  static String answer(Markets markets, String id, JsonNode params, long usIn) {
    return new DeribitOrderBook(markets)
        .book(id, params.path("instrument_name").asText(""), params.path("depth").asInt(DEFAULT_DEPTH), usIn);
  }

  private String book(String id, String instrument, int depth, long usIn) {
    Optional<Market> market = markets.find(Exchange.DERIBIT, instrument);
    if (market.isEmpty()) {
      return DeribitRpc.error(id, -32602, "Invalid params: instrument_name " + instrument + " not found");
    }
    if (depth < 1 || depth > 10_000) {
      return DeribitRpc.error(id, -32602, "Invalid params: depth must be between 1 and 10000");
    }
    StringBuilder result = new StringBuilder(4096);
    Market m = market.get();
    BookSnapshot[] book = new BookSnapshot[1];
    var stats = new io.marketprism.simulator.market.MarketStats.View[1];
    // one lock hold for both, so the ticker fields and the levels describe the same moment
    m.withLock(locked -> {
      book[0] = locked.snapshot(depth);
      stats[0] = locked.stats();
    });
    new DeribitFormat(m.instrument()).orderBook(result, book[0], stats[0]);
    return DeribitRpc.result(id, result.toString(), usIn);
  }

}
