package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.marketprism.collector.SimulatorFixture;
import io.marketprism.collector.VenueEndpoints;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.subscription.SymbolResolver;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.FeedState;
import io.marketprism.collector.v1.ListFeedsRequest;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.ListSubscriptionsResponse;
import io.marketprism.collector.v1.SubscribeRequest;
import io.marketprism.collector.v1.SubscribeResponse;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.collector.v1.UnsubscribeRequest;
import io.marketprism.collector.v1.UnsubscribeResponse;
import io.marketprism.collector.v1.WatchFeedsRequest;
import io.marketprism.collector.v1.WatchFeedsResponse;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.simulator.ExchangeSimulator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CollectorService API in process, over a collector connected to the embedded simulator (no NATS). */
class CollectorApiTest {
  private static ExchangeSimulator simulator;

  /** Events the collector handed on, by subject. */
  private final Map<String, AtomicLong> published = new ConcurrentHashMap<>();
  private Collector collector;
  private InstrumentDirectory instruments;
  private CollectorApi api;
  private Server server;
  private ManagedChannel channel;
  private CollectorServiceGrpc.CollectorServiceBlockingStub stub;

  @BeforeAll
  static void startSimulator() throws InterruptedException {
    simulator = SimulatorFixture.start(Map.of());
  }

  @AfterAll
  static void stopSimulator() throws InterruptedException {
    simulator.close();
  }

  @BeforeEach
  void startApi() throws Exception {
    collector = new Collector(VenueEndpoints.of(SimulatorFixture.collectorConfig(simulator, Map.of())),
        this::record, new PrometheusRegistry(), HttpClient.newHttpClient(), Clock.systemUTC());
    instruments = InstrumentDirectory.builder(HttpClient.newHttpClient(), new PrometheusRegistry())
        .sources(VenueEndpoints.instrumentSources(SimulatorFixture.collectorConfig(simulator, Map.of())))
        .build();
    api = new CollectorApi(collector, instruments, new SymbolResolver(ExchangeRegistry.standard()), () -> false);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(api).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = CollectorServiceGrpc.newBlockingStub(channel);
  }

  private boolean record(MarketEvent event) {
    published.computeIfAbsent(MarketEventCodec.subject(event), subject -> new AtomicLong()).incrementAndGet();
    return true;
  }

  @AfterEach
  void stopApi() {
    channel.shutdownNow();
    server.shutdownNow();
    api.close();
    instruments.close();
    collector.close();
  }

  @Test
  void subscribeReportsEveryInvalidFieldAndAddsNothing() {
    StatusRuntimeException error = catchRpc(() -> stub.subscribe(SubscribeRequest.newBuilder()
        .setExchange("kraken")
        .addDataTypes(DataType.DATA_TYPE_UNSPECIFIED)
        .build()));

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(error)).containsOnlyKeys("exchange", "symbols", "data_types[0]");
    assertThat(violations(error).get("exchange")).contains("binance, okx, deribit");
    assertThat(stub.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance()).getSubscriptionsList()).isEmpty();
  }

  @Test
  void subscribeRejectsUnlistedSymbolsAndTypesTheInstrumentLacks() {
    StatusRuntimeException error = catchRpc(() -> stub.subscribe(SubscribeRequest.newBuilder()
        .setExchange("binance")
        .addSymbols("BTC-USDT-PERP")   // fine
        .addSymbols("BTCUSDT")         // native spelling: the API takes normalized symbols
        .addSymbols("BTC-USDT")        // spot: has no funding rate
        .addDataTypes(DataType.DATA_TYPE_TRADE)
        .addDataTypes(DataType.DATA_TYPE_FUNDING_RATE)
        .build()));

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violations(error)).containsOnlyKeys("symbols[1]", "data_types[1]");
    assertThat(violations(error).get("data_types[1]")).contains("funding_rate").contains("BTC-USDT");
    // Nothing is added when any error is returned, not even the valid perpetual.
    assertThat(stub.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance()).getSubscriptionsList()).isEmpty();
  }

  @Test
  void subscribeAddsTriplesOnceAndTheFeedGoesLive() {
    SubscribeRequest request = SubscribeRequest.newBuilder()
        .setExchange("okx")
        .addSymbols("BTC-USDT")
        .addSymbols("BTC-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE)
        .addDataTypes(DataType.DATA_TYPE_BOOK_DELTA)
        .build();

    SubscribeResponse first = stub.subscribe(request);
    SubscribeResponse second = stub.subscribe(request);

    assertThat(first.getAddedList()).extracting(Subscription::getSubject)
        .containsExactly("md.trade.okx.BTC-USDT", "md.book_delta.okx.BTC-USDT");
    assertThat(first.getAlreadySubscribedList()).isEmpty();
    assertThat(second.getAddedList()).isEmpty();
    assertThat(second.getAlreadySubscribedList()).extracting(Subscription::getCreateTime)
        .containsExactlyElementsOf(first.getAddedList().stream().map(Subscription::getCreateTime).toList());

    await().untilAsserted(() -> {
      Feed trades = feed("okx", DataType.DATA_TYPE_TRADE);
      assertThat(trades.getState()).isEqualTo(FeedState.FEED_STATE_LIVE);
      assertThat(trades.getSymbolsList()).containsExactly("BTC-USDT");
      assertThat(trades.getPublishedTotal()).isPositive();
      assertThat(trades.hasConnectedSince()).isTrue();
      Feed book = feed("okx", DataType.DATA_TYPE_BOOK_DELTA);
      assertThat(book.getState()).isEqualTo(FeedState.FEED_STATE_LIVE);
      assertThat(book.getMessagesTotal()).isPositive();
    });
    assertThat(published).containsKeys("md.trade.okx.BTC-USDT", "md.book_delta.okx.BTC-USDT");
    // Snapshots come with the book channel but are not subscribed: they are not published.
    assertThat(published).doesNotContainKey("md.book_snapshot.okx.BTC-USDT");
  }

  @Test
  void subscribeAtRunTimeAddsChannelsToTheLiveConnection() {
    subscribe("deribit", "BTC-USD-PERP", DataType.DATA_TYPE_TRADE);
    await().until(() -> count("md.trade.deribit.BTC-USD-PERP") > 0);

    subscribe("deribit", "ETH-USD-PERP", DataType.DATA_TYPE_FUNDING_RATE);

    await().until(() -> count("md.funding_rate.deribit.ETH-USD-PERP") > 0);
    Feed trades = feed("deribit", DataType.DATA_TYPE_TRADE);
    assertThat(trades.getReconnectsTotal()).isZero();
    assertThat(feed("deribit", DataType.DATA_TYPE_FUNDING_RATE).getSymbolsList()).containsExactly("ETH-USD-PERP");
  }

  @Test
  void unsubscribeStopsPublishingAtOnceAndTheFeedGoesIdle() {
    subscribe("binance", "BTC-USDT", DataType.DATA_TYPE_TRADE);
    subscribe("binance", "ETH-USDT", DataType.DATA_TYPE_TRADE);
    await().until(() -> count("md.trade.binance.BTC-USDT") > 0 && count("md.trade.binance.ETH-USDT") > 0);

    UnsubscribeResponse response = stub.unsubscribe(UnsubscribeRequest.newBuilder()
        .setExchange("binance")
        .addSymbols("BTC-USDT")
        .addSymbols("SOL-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE)
        .build());
    long stoppedAt = count("md.trade.binance.BTC-USDT");
    long others = count("md.trade.binance.ETH-USDT");

    assertThat(response.getRemovedList()).extracting(Subscription::getSymbol).containsExactly("BTC-USDT");
    assertThat(response.getNotSubscribedList()).extracting(Subscription::getSymbol).containsExactly("SOL-USDT");
    assertThat(response.getNotSubscribed(0).hasCreateTime()).isFalse();
    await().until(() -> count("md.trade.binance.ETH-USDT") > others + 20);
    assertThat(count("md.trade.binance.BTC-USDT")).isEqualTo(stoppedAt);

    stub.unsubscribe(UnsubscribeRequest.newBuilder().setExchange("binance").addSymbols("ETH-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE).build());
    Feed idle = feed("binance", DataType.DATA_TYPE_TRADE);
    assertThat(idle.getState()).isEqualTo(FeedState.FEED_STATE_IDLE);
    assertThat(idle.getSymbolsList()).isEmpty();
    assertThat(idle.getPublishedTotal()).isPositive();
  }

  @Test
  void listSubscriptionsPagesInOrderAndChecksTokens() {
    subscribe("okx", "BTC-USDT-PERP", DataType.DATA_TYPE_TRADE, DataType.DATA_TYPE_FUNDING_RATE);
    subscribe("binance", "ETH-USDT", DataType.DATA_TYPE_TICKER);
    subscribe("binance", "BTC-USDT", DataType.DATA_TYPE_TICKER, DataType.DATA_TYPE_TRADE);

    List<String> all = new ArrayList<>();
    ListSubscriptionsRequest.Builder request = ListSubscriptionsRequest.newBuilder().setPageSize(2);
    ListSubscriptionsResponse page;
    do {
      page = stub.listSubscriptions(request.build());
      assertThat(page.getSubscriptionsCount()).isLessThanOrEqualTo(2);
      page.getSubscriptionsList().forEach(s -> all.add(s.getSubject()));
      request.setPageToken(page.getNextPageToken());
    } while (!page.getNextPageToken().isEmpty());

    assertThat(all).containsExactly("md.trade.binance.BTC-USDT", "md.ticker.binance.BTC-USDT",
        "md.ticker.binance.ETH-USDT", "md.trade.okx.BTC-USDT-PERP", "md.funding_rate.okx.BTC-USDT-PERP");
    assertThat(stub.listSubscriptions(ListSubscriptionsRequest.newBuilder().setExchange("okx")
        .addDataTypes(DataType.DATA_TYPE_FUNDING_RATE).build()).getSubscriptionsList())
        .extracting(Subscription::getSubject).containsExactly("md.funding_rate.okx.BTC-USDT-PERP");

    String token = stub.listSubscriptions(ListSubscriptionsRequest.newBuilder().setPageSize(1).build())
        .getNextPageToken();
    assertThat(violations(catchRpc(() -> stub.listSubscriptions(ListSubscriptionsRequest.newBuilder()
        .setExchange("okx").setPageToken(token).build())))).containsOnlyKeys("page_token");
    assertThat(violations(catchRpc(() -> stub.listSubscriptions(ListSubscriptionsRequest.newBuilder()
        .setPageToken("not a token!").build())))).containsOnlyKeys("page_token");
    assertThat(violations(catchRpc(() -> stub.listSubscriptions(ListSubscriptionsRequest.newBuilder()
        .setPageSize(-1).build())))).containsOnlyKeys("page_size");
  }

  @Test
  void listFeedsAndWatchFeedsRejectBadFilters() {
    assertThat(violations(catchRpc(() -> stub.listFeeds(ListFeedsRequest.newBuilder().setExchange("ftx").build()))))
        .containsOnlyKeys("exchange");
    assertThat(violations(catchRpc(() -> stub.watchFeeds(WatchFeedsRequest.newBuilder()
        .setInterval(Duration.newBuilder().setNanos(500_000_000)).build()).hasNext())))
        .containsOnlyKeys("interval");
  }

  @Test
  void watchFeedsSendsEveryFeedAtOnceThenEachStateChange() {
    subscribe("okx", "BTC-USDT", DataType.DATA_TYPE_TRADE);
    Iterator<WatchFeedsResponse> watch = stub.watchFeeds(WatchFeedsRequest.newBuilder()
        .setExchange("okx").setInterval(Duration.newBuilder().setSeconds(60)).build());

    WatchFeedsResponse first = watch.next();
    assertThat(first.getFeedsList()).extracting(Feed::getDataType).containsExactly(DataType.DATA_TYPE_TRADE);

    // With a 60 s interval, the next responses come only from state changes: connected, then unsubscribed.
    WatchFeedsResponse next = first;
    while (next.getFeeds(0).getState() != FeedState.FEED_STATE_LIVE) {
      next = watch.next();
    }
    stub.unsubscribe(UnsubscribeRequest.newBuilder().setExchange("okx").addSymbols("BTC-USDT")
        .addDataTypes(DataType.DATA_TYPE_TRADE).build());
    assertThat(watch.next().getFeeds(0).getState()).isEqualTo(FeedState.FEED_STATE_IDLE);
  }

  private void subscribe(String exchange, String symbol, DataType... types) {
    stub.subscribe(SubscribeRequest.newBuilder().setExchange(exchange).addSymbols(symbol)
        .addAllDataTypes(List.of(types)).build());
  }

  private long count(String subject) {
    AtomicLong count = published.get(subject);
    return count == null ? 0 : count.get();
  }

  private Feed feed(String exchange, DataType type) {
    return stub.listFeeds(ListFeedsRequest.newBuilder().setExchange(exchange).build()).getFeedsList().stream()
        .filter(feed -> feed.getDataType() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " feed for " + exchange));
  }

  private static StatusRuntimeException catchRpc(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  private static Map<String, String> violations(StatusRuntimeException error) {
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    status.getDetailsList().stream().filter(any -> any.is(BadRequest.class)).forEach(any -> {
      try {
        any.unpack(BadRequest.class).getFieldViolationsList()
            .forEach(v -> fields.merge(v.getField(), v.getDescription(), (a, b) -> a + "; " + b));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    });
    return fields;
  }
}
