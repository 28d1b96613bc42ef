package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.collector.MarketDataCollectorConfig;
import io.marketprism.collector.SimulatorFixture;
import io.marketprism.collector.VenueEndpoints;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.v1.ListInstrumentsRequest;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.SubscribeRequest;
import io.marketprism.collector.v1.SubscribeResponse;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.simulator.ExchangeSimulator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscribe checks symbols against the instrument list the collector loaded over real HTTP from the simulator, and
 * lets them through unchecked while the list is not loaded.
 */
class SubscribeListingTest {
  /** The simulator lists only these; ETH-USDT is a well-formed symbol OKX (here) does not list. */
  private static final Map<String, String> MARKETS = Map.of(
      "MARKETPRISM_MARKETS_BINANCE_SPOT", "BTCUSDT",
      "MARKETPRISM_MARKETS_BINANCE_FUTURES", "BTCUSDT",
      "MARKETPRISM_MARKETS_OKX", "BTC-USDT,BTC-USDT-SWAP",
      "MARKETPRISM_MARKETS_DERIBIT", "BTC-PERPETUAL");
  private static ExchangeSimulator simulator;

  @BeforeAll
  static void start() throws Exception {
    simulator = SimulatorFixture.start(MARKETS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.close();
  }

  private static ApiHarness harness(MarketDataCollectorConfig config) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    PrometheusRegistry registry = new PrometheusRegistry();
    Collector collector = new Collector(VenueEndpoints.of(config), event -> true, registry, http, Clock.systemUTC());
    InstrumentDirectory instruments = InstrumentDirectory.builder(http, registry)
        .sources(VenueEndpoints.instrumentSources(config))
        .retryInterval(Duration.ofMillis(200))
        .build()
        .start();
    return new ApiHarness(collector, instruments);
  }

  private static SubscribeRequest okx(String... symbols) {
    return SubscribeRequest.newBuilder().setExchange("okx").addAllSymbols(List.of(symbols))
        .addDataTypes(DataType.DATA_TYPE_TRADE).build();
  }

  @Test
  void aSymbolTheExchangeDoesNotListIsAFieldViolationAndNothingIsSubscribed() throws Exception {
    try (ApiHarness api = harness(SimulatorFixture.collectorConfig(simulator, Map.of()))) {
      await().ignoreExceptions().until(() -> api.stub.listInstruments(
          ListInstrumentsRequest.newBuilder().setExchange("okx").build()).getInstrumentsCount() == 2);

      StatusRuntimeException error = ApiHarness.error(() -> api.stub.subscribe(
          okx("BTC-USDT", "ETH-USDT", "BTC-USDT-PERP", "XRP-USDT-PERP")));

      assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(ApiHarness.detail(error, BadRequest.class).getFieldViolationsList())
          .extracting(BadRequest.FieldViolation::getField, BadRequest.FieldViolation::getDescription)
          .containsExactly(
              tuple("symbols[1]",
                  "\"ETH-USDT\" is not listed by okx (ListInstruments shows what it lists)"),
              tuple("symbols[3]",
                  "\"XRP-USDT-PERP\" is not listed by okx (ListInstruments shows what it lists)"));
      assertThat(api.stub.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance()).getSubscriptionsList())
          .as("nothing of a rejected request is applied").isEmpty();

      SubscribeResponse listed = api.stub.subscribe(okx("BTC-USDT", "BTC-USDT-PERP"));
      assertThat(listed.getAddedList()).extracting(Subscription::getSymbol)
          .containsExactly("BTC-USDT", "BTC-USDT-PERP");
    }
  }

  @Test
  void whileTheListIsNotLoadedSymbolsAreAcceptedUnchecked() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    MarketDataCollectorConfig unreachable = SimulatorFixture.collectorConfig(simulator,
        Map.of("MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", "127.0.0.1:" + closedPort));
    try (ApiHarness api = harness(unreachable)) {
      assertThat(ApiHarness.error(() -> api.stub.listInstruments(
          ListInstrumentsRequest.newBuilder().setExchange("okx").build())).getStatus().getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);

      SubscribeResponse unchecked = api.stub.subscribe(okx("ETH-USDT"));

      assertThat(unchecked.getAddedList()).extracting(Subscription::getSymbol).containsExactly("ETH-USDT");
    }
  }
}
