package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.collector.MarketDataCollectorConfig;
import io.marketprism.collector.SimulatorFixture;
import io.marketprism.collector.VenueEndpoints;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.v1.ListInstrumentsRequest;
import io.marketprism.collector.v1.ListInstrumentsResponse;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import io.marketprism.simulator.ExchangeSimulator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
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
 * ListInstruments over lists the collector loads over real HTTP from the simulator's exchangeInfo, OKX instruments
 * and Deribit get_instruments endpoints.
 */
class ListInstrumentsTest {
  private static final Map<String, String> MARKETS = Map.of(
      "MARKETPRISM_MARKETS_BINANCE_SPOT", "BTCUSDT,ETHUSDT,ETHBTC",
      "MARKETPRISM_MARKETS_BINANCE_FUTURES", "BTCUSDT,ETHUSDT",
      "MARKETPRISM_MARKETS_OKX", "BTC-USDT,BTC-USDT-SWAP",
      "MARKETPRISM_MARKETS_DERIBIT", "BTC-PERPETUAL,BTC_USDC-PERPETUAL");
  private static ExchangeSimulator simulator;
  private static ApiHarness api;

  @BeforeAll
  static void start() throws Exception {
    simulator = SimulatorFixture.start(MARKETS);
    api = harness(SimulatorFixture.collectorConfig(simulator, Map.of()), new PrometheusRegistry(), Duration.ofHours(1));
    for (String exchange : List.of("binance", "okx", "deribit")) {
      await().ignoreExceptions().until(() -> list(ListInstrumentsRequest.newBuilder().setExchange(exchange)) != null);
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    api.close();
    simulator.close();
  }

  private static ApiHarness harness(MarketDataCollectorConfig config, PrometheusRegistry registry, Duration refresh)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Collector collector = new Collector(VenueEndpoints.of(config), event -> true, registry, http, Clock.systemUTC());
    InstrumentDirectory instruments = InstrumentDirectory.builder(http, registry)
        .sources(VenueEndpoints.instrumentSources(config))
        .refreshInterval(refresh)
        .retryInterval(Duration.ofMillis(200))
        .build()
        .start();
    return new ApiHarness(collector, instruments);
  }

  private static ListInstrumentsResponse list(ListInstrumentsRequest.Builder request) {
    return api.stub.listInstruments(request.build());
  }

  private static List<String> symbols(ListInstrumentsResponse page) {
    return page.getInstrumentsList().stream().map(Instrument::getSymbol).toList();
  }

  @Test
  void listsEachExchangesInstrumentsInNormalizedSymbolsWithTheirGrids() {
    ListInstrumentsResponse binance = list(ListInstrumentsRequest.newBuilder().setExchange("binance"));
    assertThat(symbols(binance)).containsExactly("BTC-USDT", "BTC-USDT-PERP", "ETH-BTC", "ETH-USDT", "ETH-USDT-PERP");
    Instrument spot = binance.getInstruments(0);
    assertThat(spot.getNativeSymbol()).isEqualTo("BTCUSDT");
    assertThat(spot.getType()).isEqualTo(InstrumentType.INSTRUMENT_TYPE_SPOT);
    assertThat(spot.getTickSize()).isEqualTo("0.01");
    assertThat(spot.getLotSize()).isEqualTo("0.00001");
    assertThat(binance.getInstruments(1).getSettle()).isEqualTo("USDT");
    assertThat(binance.getInstruments(1).getTickSize()).isEqualTo("0.1");

    List<Instrument> okx = list(ListInstrumentsRequest.newBuilder().setExchange("okx")).getInstrumentsList();
    assertThat(okx).extracting(Instrument::getSymbol).containsExactly("BTC-USDT", "BTC-USDT-PERP");
    assertThat(okx.get(1).getNativeSymbol()).isEqualTo("BTC-USDT-SWAP");
    assertThat(okx.get(1).getContractValue()).isEqualTo("0.01");
    assertThat(okx.get(1).getContractValueCurrency()).isEqualTo("BTC");

    List<Instrument> deribit = list(ListInstrumentsRequest.newBuilder().setExchange("deribit")).getInstrumentsList();
    assertThat(deribit).extracting(Instrument::getSymbol).containsExactly("BTC-USD-PERP", "BTC-USDC-PERP");
    assertThat(deribit.get(0).getTickSize()).isEqualTo("0.5");
    assertThat(deribit.get(0).getContractValue()).isEqualTo("10");
    assertThat(deribit.get(0).getContractValueCurrency()).isEqualTo("USD");
    assertThat(deribit.get(0).getSettle()).isEqualTo("BTC");
    assertThat(deribit.get(1).getSettle()).isEqualTo("USDC");
  }

  @Test
  void pagesFollowAnOpaqueTokenValidOnlyForItsFilters() {
    ListInstrumentsResponse first = list(ListInstrumentsRequest.newBuilder().setExchange("binance").setPageSize(2));
    assertThat(symbols(first)).containsExactly("BTC-USDT", "BTC-USDT-PERP");
    ListInstrumentsResponse second = list(ListInstrumentsRequest.newBuilder().setExchange("binance").setPageSize(2)
        .setPageToken(first.getNextPageToken()));
    assertThat(symbols(second)).containsExactly("ETH-BTC", "ETH-USDT");
    ListInstrumentsResponse last = list(ListInstrumentsRequest.newBuilder().setExchange("binance").setPageSize(2)
        .setPageToken(second.getNextPageToken()));
    assertThat(symbols(last)).containsExactly("ETH-USDT-PERP");
    assertThat(last.getNextPageToken()).isEmpty();

    StatusRuntimeException otherFilters = ApiHarness.error(() -> list(ListInstrumentsRequest.newBuilder()
        .setExchange("binance").setBase("ETH").setPageToken(first.getNextPageToken())));
    assertThat(otherFilters.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ApiHarness.detail(otherFilters, BadRequest.class).getFieldViolations(0).getDescription())
        .contains("different filters");
    StatusRuntimeException garbage = ApiHarness.error(() -> list(ListInstrumentsRequest.newBuilder()
        .setExchange("binance").setPageToken("not-a-token")));
    assertThat(ApiHarness.detail(garbage, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("page_token");
  }

  @Test
  void filtersByTypeAndBase() {
    assertThat(symbols(list(ListInstrumentsRequest.newBuilder().setExchange("binance")
        .setType(InstrumentType.INSTRUMENT_TYPE_PERPETUAL).setBase("ETH")))).containsExactly("ETH-USDT-PERP");
    assertThat(symbols(list(ListInstrumentsRequest.newBuilder().setExchange("binance")
        .setType(InstrumentType.INSTRUMENT_TYPE_SPOT)))).containsExactly("BTC-USDT", "ETH-BTC", "ETH-USDT");
  }

  @Test
  void unknownExchangeAndMalformedFieldsAreFieldViolations() {
    StatusRuntimeException error = ApiHarness.error(() -> list(ListInstrumentsRequest.newBuilder()
        .setExchange("kraken").setBase("btc").setPageSize(-1)));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ApiHarness.detail(error, BadRequest.class).getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField).containsExactly("exchange", "base", "page_size");
  }

  @Test
  void unavailableWithRetryInfoWhileTheListCannotBeLoaded() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    MarketDataCollectorConfig nowhere = SimulatorFixture.collectorConfig(simulator,
        Map.of("MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", "127.0.0.1:" + closedPort));
    try (ApiHarness unreachable = harness(nowhere, registry, Duration.ofHours(1))) {
      await().until(() -> failedRefreshes(registry, "okx") >= 2); // tried, and tried again after the retry interval
      StatusRuntimeException error = ApiHarness.error(() -> unreachable.stub.listInstruments(
          ListInstrumentsRequest.newBuilder().setExchange("okx").build()));
      assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(error.getStatus().getDescription()).contains("okx instrument list has not been loaded");
      assertThat(ApiHarness.detail(error, RetryInfo.class).getRetryDelay().getNanos()).isEqualTo(200_000_000);
    }
  }

  @Test
  void aFailedRefreshKeepsTheLastGoodList() throws Exception {
    ExchangeSimulator leaving = SimulatorFixture.start(MARKETS);
    PrometheusRegistry registry = new PrometheusRegistry();
    try (ApiHarness refreshing = harness(SimulatorFixture.collectorConfig(leaving, Map.of()), registry,
        Duration.ofMillis(200))) {
      ListInstrumentsRequest deribit = ListInstrumentsRequest.newBuilder().setExchange("deribit").build();
      await().ignoreExceptions().until(() -> refreshing.stub.listInstruments(deribit).getInstrumentsCount() == 2);
      leaving.close();
      await().until(() -> failedRefreshes(registry, "deribit") >= 1);
      assertThat(refreshing.stub.listInstruments(deribit).getInstrumentsList()).extracting(Instrument::getSymbol)
          .containsExactly("BTC-USD-PERP", "BTC-USDC-PERP");
    } catch (AssertionError | RuntimeException e) {
      leaving.close();
      throw e;
    }
  }

  private static double failedRefreshes(PrometheusRegistry registry, String exchange) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("marketprism_collector_instrument_refreshes"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(p -> p.getLabels().get("exchange").equals(exchange) && p.getLabels().get("outcome").equals("failed"))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
