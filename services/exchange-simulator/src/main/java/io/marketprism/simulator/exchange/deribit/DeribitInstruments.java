package io.marketprism.simulator.exchange.deribit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.simulator.feed.HttpEndpoint;
import io.marketprism.simulator.feed.HttpReply;
import io.marketprism.simulator.feed.Json;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Instrument;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.math.BigDecimal;
import java.util.Set;

/**
 * Deribit's {@code GET /api/v2/public/get_instruments?currency=BTC|ETH|USDC|USDT|EURR|any[&kind=future|option|spot|
 * future_combo|option_combo]}: a JSON-RPC result listing the simulated instruments, all perpetual futures. An inverse
 * perpetual ("BTC-PERPETUAL") belongs to its base currency, quoted in USD, {@code instrument_type} {@code reversed};
 * a linear one ("BTC_USDC-PERPETUAL") to its quote currency, {@code linear}. Numbers are JSON numbers written as exact
 * decimal literals, as Deribit writes them. A missing or unknown currency or kind is error {@code -32602}.
 */
public final class DeribitInstruments implements HttpEndpoint {

  private static final Set<String> CURRENCIES = Set.of("BTC", "ETH", "USDC", "USDT", "EURR", "any");
  private static final Set<String> KINDS = Set.of("future", "option", "spot", "future_combo", "option_combo");
  /** Deribit's expiration_timestamp of perpetuals: 3000-01-01. */
  private static final long PERPETUAL_EXPIRY_MS = 32503708800000L;
  private static final String INVERSE_QUOTE = "USD";

  private final Markets markets;

  public DeribitInstruments(Markets markets) {
    this.markets = markets;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/api/v2/public/get_instruments");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    long usIn = System.currentTimeMillis() * 1000;
    String currency = HttpEndpoint.parameter(uri, "currency").orElse("");
    String kind = HttpEndpoint.parameter(uri, "kind").orElse("");
    if (!CURRENCIES.contains(currency)) {
      return new HttpReply(400, DeribitRpc.error(null, -32602, "Invalid params: currency must be one of " + CURRENCIES));
    }
    if (!kind.isEmpty() && !KINDS.contains(kind)) {
      return new HttpReply(400, DeribitRpc.error(null, -32602, "Invalid params: kind must be one of " + KINDS));
    }
    ArrayNode result = Json.exactNodes().arrayNode();
    if (kind.isEmpty() || kind.equals("future")) {
      int id = 1;
      for (Market market : markets.of(Exchange.DERIBIT).values()) {
        Instrument instrument = market.instrument();
        String[] pair = instrument.symbol().substring(0, instrument.symbol().indexOf('-')).split("_");
        boolean inverse = pair.length == 1;
        String base = pair[0];
        String quote = inverse ? INVERSE_QUOTE : pair[1];
        String settlement = inverse ? base : quote;
        if (currency.equals("any") || currency.equals(settlement)) {
          entry(result.addObject(), instrument, base, quote, settlement, inverse, id);
        }
        id++;
      }
    }
    return HttpReply.ok(DeribitRpc.result(null, Json.writePlain(result), usIn));
  }

  private static void entry(
      ObjectNode entry, Instrument instrument, String base, String quote, String settlement, boolean inverse, int id) {
    BigDecimal lot = instrument.lotSize();
    entry.put("instrument_name", instrument.symbol()).put("instrument_id", id).put("kind", "future")
        .put("settlement_period", "perpetual").put("is_active", true)
        .put("base_currency", base).put("quote_currency", quote).put("counter_currency", quote)
        .put("settlement_currency", settlement).put("price_index", base.toLowerCase(java.util.Locale.ROOT) + "_usd")
        .put("instrument_type", inverse ? "reversed" : "linear")
        .put("tick_size", instrument.tickSize()).put("min_trade_amount", lot)
        // inverse contracts are sized in USD, one "contract" being the lot; linear ones in the base coin
        .put("contract_size", lot)
        .put("creation_timestamp", 1534242287000L).put("expiration_timestamp", PERPETUAL_EXPIRY_MS)
        .put("maker_commission", new BigDecimal("0")).put("taker_commission", new BigDecimal("0.0005"))
        .put("max_leverage", 50).put("rfq", false);
    entry.putArray("tick_size_steps");
  }

}
