package io.marketprism.simulator.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.TestFeeds;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each exchange's instrument-list endpoint, in its documented shape, listing exactly the configured markets. */
class InstrumentListsTest {

  /** Reads JSON numbers as exact decimals, to see the literal Deribit wrote. */
  private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static ExchangeSimulator simulator;

  @BeforeAll
  static void start() throws InterruptedException {
    simulator = TestFeeds.start(Map.of(
        "MARKETPRISM_MARKETS_BINANCE_SPOT", "BTCUSDT,ETHBTC",
        "MARKETPRISM_MARKETS_BINANCE_FUTURES", "BTCUSDT",
        "MARKETPRISM_MARKETS_OKX", "BTC-USDT,BTC-USDT-SWAP,BTC-USD-SWAP",
        "MARKETPRISM_MARKETS_DERIBIT", "BTC-PERPETUAL,ETH_USDC-PERPETUAL"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.close();
  }

  private static JsonNode get(String pathAndQuery, int status) throws Exception {
    HttpResponse<String> response = TestFeeds.get(simulator, pathAndQuery);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return EXACT.readTree(response.body());
  }

  @Test
  void binanceSpotExchangeInfoListsTradingSymbolsWithTheirFilters() throws Exception {
    JsonNode symbols = get("/api/v3/exchangeInfo", 200).get("symbols");
    assertThat(names(symbols, "symbol")).containsExactly("BTCUSDT", "ETHBTC");
    JsonNode btc = symbols.get(0);
    assertThat(btc.get("status").asText()).isEqualTo("TRADING");
    assertThat(btc.get("baseAsset").asText()).isEqualTo("BTC");
    assertThat(btc.get("quoteAsset").asText()).isEqualTo("USDT");
    assertThat(symbols.get(1).get("quoteAsset").asText()).isEqualTo("BTC");
    assertThat(filter(btc, "PRICE_FILTER").get("tickSize").asText()).isEqualTo("0.01000000");
    assertThat(filter(btc, "LOT_SIZE").get("stepSize").asText()).isEqualTo("0.00001000");
  }

  @Test
  void binanceFuturesExchangeInfoListsPerpetualContracts() throws Exception {
    JsonNode symbols = get("/fapi/v1/exchangeInfo", 200).get("symbols");
    assertThat(names(symbols, "symbol")).containsExactly("BTCUSDT");
    JsonNode btc = symbols.get(0);
    assertThat(btc.get("contractType").asText()).isEqualTo("PERPETUAL");
    assertThat(btc.get("marginAsset").asText()).isEqualTo("USDT");
    assertThat(filter(btc, "PRICE_FILTER").get("tickSize").asText()).isEqualTo("0.1");
    assertThat(filter(btc, "LOT_SIZE").get("stepSize").asText()).isEqualTo("0.001");
  }

  @Test
  void okxInstrumentsByTypeWithContractFieldsForSwaps() throws Exception {
    JsonNode spot = get("/api/v5/public/instruments?instType=SPOT", 200);
    assertThat(spot.get("code").asText()).isEqualTo("0");
    assertThat(names(spot.get("data"), "instId")).containsExactly("BTC-USDT");
    assertThat(spot.get("data").get(0).get("baseCcy").asText()).isEqualTo("BTC");
    assertThat(spot.get("data").get(0).get("tickSz").asText()).isEqualTo("0.1");

    JsonNode swaps = get("/api/v5/public/instruments?instType=SWAP", 200).get("data");
    assertThat(names(swaps, "instId")).containsExactly("BTC-USDT-SWAP", "BTC-USD-SWAP");
    assertThat(swaps.get(0).get("baseCcy").asText()).isEmpty();
    assertThat(swaps.get(0).get("ctType").asText()).isEqualTo("linear");
    assertThat(swaps.get(0).get("ctVal").asText()).isEqualTo("0.01");
    assertThat(swaps.get(0).get("ctValCcy").asText()).isEqualTo("BTC");
    assertThat(swaps.get(0).get("settleCcy").asText()).isEqualTo("USDT");
    assertThat(swaps.get(1).get("ctType").asText()).isEqualTo("inverse");
    assertThat(swaps.get(1).get("settleCcy").asText()).isEqualTo("BTC");
    assertThat(swaps.get(1).get("ctValCcy").asText()).isEqualTo("USD");

    assertThat(get("/api/v5/public/instruments?instType=FUTURES", 200).get("data")).isEmpty();
    assertThat(get("/api/v5/public/instruments", 400).get("code").asText()).isEqualTo("50014");
    assertThat(get("/api/v5/public/instruments?instType=BOND", 400).get("code").asText()).isEqualTo("51000");
  }

  @Test
  void deribitInstrumentsByCurrencyWithExactNumbers() throws Exception {
    JsonNode all = get("/api/v2/public/get_instruments?currency=any&kind=future", 200).get("result");
    assertThat(names(all, "instrument_name")).containsExactly("BTC-PERPETUAL", "ETH_USDC-PERPETUAL");
    JsonNode btc = all.get(0);
    assertThat(btc.get("tick_size").decimalValue().toPlainString()).isEqualTo("0.5");
    assertThat(btc.get("contract_size").isNumber()).isTrue();
    assertThat(btc.get("instrument_type").asText()).isEqualTo("reversed");
    assertThat(btc.get("settlement_currency").asText()).isEqualTo("BTC");
    assertThat(all.get(1).get("instrument_type").asText()).isEqualTo("linear");
    assertThat(all.get(1).get("quote_currency").asText()).isEqualTo("USDC");

    assertThat(names(get("/api/v2/public/get_instruments?currency=USDC", 200).get("result"), "instrument_name"))
        .containsExactly("ETH_USDC-PERPETUAL");
    assertThat(get("/api/v2/public/get_instruments?currency=BTC&kind=option", 200).get("result")).isEmpty();
    assertThat(get("/api/v2/public/get_instruments", 400).get("error").get("code").asInt()).isEqualTo(-32602);
  }

  private static List<String> names(JsonNode list, String field) {
    List<String> names = new ArrayList<>();
    list.forEach(entry -> names.add(entry.get(field).asText()));
    return names;
  }

  private static JsonNode filter(JsonNode symbol, String type) {
    for (JsonNode filter : symbol.get("filters")) {
      if (filter.get("filterType").asText().equals(type)) {
        return filter;
      }
    }
    throw new AssertionError("no " + type + " in " + symbol);
  }
}
