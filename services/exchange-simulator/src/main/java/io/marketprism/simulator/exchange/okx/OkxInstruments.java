package io.marketprism.simulator.exchange.okx;

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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OKX's {@code GET /api/v5/public/instruments?instType=SPOT|SWAP|FUTURES|OPTION|MARGIN}: {@code {"code":"0","msg":"",
 * "data":[…]}} with one entry per simulated instrument of that type, state {@code live}. As on OKX, {@code baseCcy}/
 * {@code quoteCcy} are set for spot only, and swaps carry {@code uly}, {@code instFamily}, {@code settleCcy},
 * {@code ctType}, {@code ctVal} and {@code ctValCcy}. The simulator has no futures or options: those types answer an
 * empty list. A missing instType is OKX's {@code 50014}, an unknown one {@code 51000}, OPTION without
 * {@code uly}/{@code instFamily} {@code 50014}, all with HTTP 400.
 */
public final class OkxInstruments implements HttpEndpoint {

  private static final Set<String> TYPES = Set.of("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION");
  /** OKX's contract values of the usual linear swaps; other linear swaps are given one coin per contract. */
  private static final Map<String, String> LINEAR_CONTRACT_VALUES = Map.of("BTC", "0.01", "ETH", "0.1");
  /** Swaps quoted in USD are inverse (coin-margined). */
  private static final String INVERSE_QUOTE = "USD";

  private final Markets markets;

  public OkxInstruments(Markets markets) {
    this.markets = markets;
  }

  @Override
  public boolean handles(String path) {
    return path.equals("/api/v5/public/instruments");
  }

  @Override
  public HttpReply handle(FullHttpRequest request, QueryStringDecoder uri) {
    if (!request.method().equals(HttpMethod.GET)) {
      return error(405, "50000", "Only GET is supported here.");
    }
    String type = HttpEndpoint.parameter(uri, "instType").orElse("");
    if (type.isEmpty()) {
      return error(400, "50014", "Parameter instType can not be empty.");
    }
    if (!TYPES.contains(type)) {
      return error(400, "51000", "Parameter instType error");
    }
    if (type.equals("OPTION") && HttpEndpoint.parameter(uri, "uly").orElse("").isEmpty() && HttpEndpoint.parameter(uri, "instFamily").orElse("").isEmpty()) {
      return error(400, "50014", "Parameter instFamily can not be empty.");
    }
    ObjectNode answer = Json.exactNodes().objectNode().put("code", "0").put("msg", "");
    ArrayNode data = answer.putArray("data");
    for (Market market : markets.of(Exchange.OKX).values()) {
      Instrument instrument = market.instrument();
      boolean swap = instrument.symbol().endsWith("-SWAP");
      if ((swap && type.equals("SWAP")) || (!swap && (type.equals("SPOT") || type.equals("MARGIN")))) {
        entry(data.addObject(), instrument, type, swap);
      }
    }
    return HttpReply.ok(Json.writePlain(answer));
  }

  private static void entry(ObjectNode entry, Instrument instrument, String type, boolean swap) {
    List<String> parts = List.of(instrument.symbol().split("-"));
    String base = parts.get(0);
    String quote = parts.get(1);
    boolean inverse = quote.equals(INVERSE_QUOTE);
    entry.put("instType", type).put("instId", instrument.symbol());
    entry.put("uly", swap ? base + "-" + quote : "").put("instFamily", swap ? base + "-" + quote : "");
    entry.put("baseCcy", swap ? "" : base).put("quoteCcy", swap ? "" : quote);
    entry.put("settleCcy", swap ? (inverse ? base : quote) : "");
    entry.put("ctType", swap ? (inverse ? "inverse" : "linear") : "");
    entry.put("ctVal", swap ? contractValue(base, inverse) : "");
    entry.put("ctMult", swap ? "1" : "");
    entry.put("ctValCcy", swap ? (inverse ? INVERSE_QUOTE : base) : "");
    entry.put("optType", "").put("stk", "").put("listTime", "1606468572000").put("expTime", "");
    entry.put("lever", swap ? "100" : "10");
    entry.put("tickSz", instrument.tickSize().toPlainString());
    entry.put("lotSz", instrument.lotSize().toPlainString());
    entry.put("minSz", instrument.lotSize().toPlainString());
    entry.put("alias", "").put("state", "live");
  }

  /** As OKX lists them: inverse swaps are 100 USD a contract for BTC, 10 USD for the others. */
  private static String contractValue(String base, boolean inverse) {
    if (inverse) {
      return base.equals("BTC") ? "100" : "10";
    }
    return LINEAR_CONTRACT_VALUES.getOrDefault(base, "1");
  }


  private static HttpReply error(int status, String code, String message) {
    return new HttpReply(status, "{\"code\":\"" + code + "\",\"msg\":" + Json.quote(message) + ",\"data\":[]}");
  }
}
