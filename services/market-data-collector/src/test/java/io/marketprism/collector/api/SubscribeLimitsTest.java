package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.QuotaFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.collector.MarketDataCollectorConfig;
import io.marketprism.collector.SimulatorFixture;
import io.marketprism.collector.VenueEndpoints;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.feed.SubscriptionLimits;
import io.marketprism.collector.feed.Venue;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.SubscribeRequest;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.simulator.ExchangeSimulator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Subscribe beyond the configured bounds: RESOURCE_EXHAUSTED with a QuotaFailure, and nothing added. */
class SubscribeLimitsTest {
  private ExchangeSimulator simulator;
  private ApiHarness api;

  @BeforeEach
  void start() throws InterruptedException {
    simulator = SimulatorFixture.start(Map.of());
  }

  /** The API over a collector with one connection per venue and {@code maxSubscriptions} in all. */
  private ApiHarness api(int maxSubscriptions) throws Exception {
    MarketDataCollectorConfig config = SimulatorFixture.collectorConfig(simulator, Map.of());
    HttpClient http = HttpClient.newHttpClient();
    PrometheusRegistry registry = new PrometheusRegistry();
    SubscriptionLimits limits = new SubscriptionLimits(maxSubscriptions,
        Map.of(Venue.BINANCE_SPOT, 1, Venue.BINANCE_FUTURES, 1, Venue.OKX, 1, Venue.DERIBIT, 1));
    Collector collector = new Collector(VenueEndpoints.of(config), limits, event -> true, registry, http,
        Clock.systemUTC());
    api = new ApiHarness(collector, InstrumentDirectory.builder(http, registry).build());
    return api;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (api != null) {
      api.close();
    }
    simulator.close();
  }

  @Test
  void subscribingBeyondTheTotalIsResourceExhaustedAndAddsNothing() throws Exception {
    api(4);
    api.stub.subscribe(SubscribeRequest.newBuilder().setExchange("okx").addSymbols("BTC-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE).addDataTypes(DataType.DATA_TYPE_TICKER).build());

    StatusRuntimeException error = ApiHarness.error(() -> api.stub.subscribe(SubscribeRequest.newBuilder()
        .setExchange("okx").addSymbols("BTC-USDT").addSymbols("BTC-USDT-PERP")
        .addDataTypes(DataType.DATA_TYPE_TRADE).addDataTypes(DataType.DATA_TYPE_BOOK_DELTA).build()));

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(error.getStatus().getDescription()).contains("5 subscriptions").contains("limit of 4")
        .contains("nothing was subscribed");
    QuotaFailure failure = ApiHarness.detail(error, QuotaFailure.class);
    assertThat(failure.getViolationsList()).singleElement().satisfies(violation -> {
      assertThat(violation.getSubject()).isEqualTo("subscriptions");
      assertThat(violation.getDescription()).contains("limits.max-subscriptions");
    });
    assertThat(api.stub.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance()).getSubscriptionsCount())
        .isEqualTo(2);
  }

  @Test
  void subscribingMoreStreamsThanTheVenuesConnectionsCarryIsResourceExhausted() throws Exception {
    api(10_000);
    // 200 spot symbols × trade, depth and bookTicker = 600 streams: one Binance connection (1024 streams) takes them.
    api.stub.subscribe(binanceSpot(0));
    // 600 more would need a second connection, over the limit of one.
    StatusRuntimeException error = ApiHarness.error(() -> api.stub.subscribe(binanceSpot(200)));

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(ApiHarness.detail(error, QuotaFailure.class).getViolationsList()).singleElement().satisfies(v -> {
      assertThat(v.getSubject()).isEqualTo("binance_spot connections");
      assertThat(v.getDescription()).contains("2 connections for 1200 channels").contains("1024 a connection")
          .contains("limits.max-connections.binance");
    });
    assertThat(api.stub.listSubscriptions(ListSubscriptionsRequest.newBuilder().setPageSize(1000).build())
        .getSubscriptionsCount()).isEqualTo(800);
  }

  private static SubscribeRequest binanceSpot(int from) {
    SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setExchange("binance")
        .addDataTypes(DataType.DATA_TYPE_TRADE).addDataTypes(DataType.DATA_TYPE_BOOK_SNAPSHOT)
        .addDataTypes(DataType.DATA_TYPE_BOOK_DELTA).addDataTypes(DataType.DATA_TYPE_TICKER);
    for (int i = from; i < from + 200; i++) {
      request.addSymbols("C" + i + "-USDT");
    }
    return request.build();
  }
}
