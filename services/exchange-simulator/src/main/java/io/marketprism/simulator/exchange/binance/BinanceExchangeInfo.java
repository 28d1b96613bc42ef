package io.marketprism.simulator.exchange.binance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.simulator.feed.HttpEndpoint;
import io.marketprism.simulator.feed.HttpReply;
import io.marketprism.simulator.feed.Json;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Instrument;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.List;

/**
 * Binance's instrument lists: {@code GET /api/v3/exchangeInfo} (spot) and {@code GET /fapi/v1/exchangeInfo}
 * (USDⓈ-M futures), one entry per simulated symbol, status {@code TRADING}, with the {@code PRICE_FILTER} tick size
 * and {@code LOT_SIZE} step size of the simulated grid. Spot writes decimals with 8 places ("0.01000000"), futures
 * plainly ("0.1"), as Binance does; every simulated futures symbol is a {@code PERPETUAL} contract.
 */
public final class BinanceExchangeInfo implements HttpEndpoint {

  /** Binance's delivery date of perpetual contracts: 2100-12-25 08:00 UTC. */
  private static final long PERPETUAL_DELIVERY_MS = 4133404800000L;
  private static final int SPOT_SCALE = 8;

  private final Markets markets;
  private final Clock clock;

  public BinanceExchangeInfo(Markets markets, Clock clock) {
    this.markets = markets;
    this.clock = clock;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/api/v3/exchangeInfo") || path.equals("/fapi/v1/exchangeInfo");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.method().equals(HttpMethod.GET)) {
      return new HttpReply(405, "{\"code\":-1000,\"msg\":\"Only GET is supported here.\"}");
    }
    boolean futures = uri.path().startsWith("/fapi");
    JsonNodeFactory nodes = Json.exactNodes();
    ObjectNode info = nodes.objectNode();
    info.put("timezone", "UTC").put("serverTime", clock.millis());
    info.putArray("rateLimits");
    info.putArray("exchangeFilters");
    ArrayNode symbols = info.putArray("symbols");
    for (Market market : markets.of(futures ? Exchange.BINANCE_FUTURES : Exchange.BINANCE_SPOT).values()) {
      Instrument instrument = market.instrument();
      String[] assets = BinanceAssets.split(instrument.symbol());
      ObjectNode symbol = symbols.addObject();
      symbol.put("symbol", instrument.symbol());
      if (futures) {
        symbol.put("pair", instrument.symbol()).put("contractType", "PERPETUAL")
            .put("deliveryDate", PERPETUAL_DELIVERY_MS).put("onboardDate", 1569398400000L);
      }
      symbol.put("status", "TRADING").put("baseAsset", assets[0]).put("quoteAsset", assets[1]);
      if (futures) {
        symbol.put("marginAsset", assets[1])
            .put("pricePrecision", instrument.priceScale())
            .put("quantityPrecision", instrument.sizeScale())
            .put("underlyingType", "COIN");
      } else {
        symbol.put("baseAssetPrecision", SPOT_SCALE).put("quotePrecision", SPOT_SCALE)
            .put("quoteAssetPrecision", SPOT_SCALE);
      }
      ArrayNode filters = symbol.putArray("filters");
      filters.addObject().put("filterType", "PRICE_FILTER")
          .put("minPrice", decimal(instrument.tickSize(), futures))
          .put("maxPrice", decimal(new BigDecimal("1000000"), futures))
          .put("tickSize", decimal(instrument.tickSize(), futures));
      filters.addObject().put("filterType", "LOT_SIZE")
          .put("minQty", decimal(instrument.lotSize(), futures))
          .put("maxQty", decimal(new BigDecimal("9000"), futures))
          .put("stepSize", decimal(instrument.lotSize(), futures));
      ArrayNode orderTypes = symbol.putArray("orderTypes");
      List.of("LIMIT", "MARKET").forEach(orderTypes::add);
    }
    return HttpReply.ok(Json.writePlain(info));
  }

  private static String decimal(BigDecimal value, boolean futures) {
    return futures ? value.toPlainString() : value.setScale(SPOT_SCALE, RoundingMode.UNNECESSARY).toPlainString();
  }
}
