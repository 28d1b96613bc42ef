package io.marketprism.storage.api;

import static io.marketprism.storage.StorageFixture.DAY_20231114;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.Candle;
import io.marketprism.storage.v1.CandleInterval;
import io.marketprism.storage.v1.FollowEventsRequest;
import io.marketprism.storage.v1.FollowEventsResponse;
import io.marketprism.storage.v1.GetBookSnapshotRequest;
import io.marketprism.storage.v1.GetLatestTickerRequest;
import io.marketprism.storage.v1.GetStatsRequest;
import io.marketprism.storage.v1.ListCandlesRequest;
import io.marketprism.storage.v1.ListCandlesResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.ReplayEventsRequest;
import io.marketprism.storage.v1.ReplayEventsResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.storage.v1.TableStats;
import io.marketprism.storage.v1.Tier;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
@WithClickHouse
class StorageApiTest {

  static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;
  static StorageFixture storage;
  static StorageServiceGrpc.StorageServiceBlockingStub api;
  static final List<Trade> pagedTrades = new ArrayList<>();

  @BeforeAll
  static void storeData() throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS api_test");
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "api_test", Map.of());
    api = storage.storage;
    List<MarketEvent> events = new ArrayList<>();
    // 2,500 trades, pairs sharing a time so that trade_id (as text) breaks ties
    for (int i = 0; i < 2_500; i++) {
      MarketEvent trade = StorageFixture.trade("PAGE-USDT", 10_000 + i, DAY_20231114 + (i / 2) * 1_000L);
      events.add(trade);
      pagedTrades.add(trade.getTrade());
    }
    // candles: minute 0 has three trades, minute 2 has one
    events.add(StorageFixture.trade("OHLC-USDT", 1, DAY_20231114 + 1, "100.5", "1", Side.SIDE_BUY));
    events.add(StorageFixture.trade("OHLC-USDT", 2, DAY_20231114 + 2, "103", "2", Side.SIDE_SELL));
    events.add(StorageFixture.trade("OHLC-USDT", 3, DAY_20231114 + 3, "99.25", "0.5", Side.SIDE_BUY));
    events.add(StorageFixture.trade("OHLC-USDT", 4, DAY_20231114 + 2 * MINUTE + 5, "101", "4", Side.SIDE_BUY));
    events.add(StorageFixture.ticker("TICK-USDT", DAY_20231114 + 10, "1.1", "1.2"));
    events.add(StorageFixture.ticker("TICK-USDT", DAY_20231114 + 30, "1.3", "1.4"));
    events.add(StorageFixture.ticker("TICK-USDT", DAY_20231114 + 20, "1.5", "1.6"));
    events.add(StorageFixture.snapshot("BOOK-USDT", DAY_20231114 + 100, 1, 5));
    events.add(StorageFixture.snapshot("BOOK-USDT", DAY_20231114 + 200, 2, 5));
    // replay: a snapshot and a delta at the same time, trades around them
    events.add(StorageFixture.delta("REPLAY-USDT", DAY_20231114 + 500, 11));
    events.add(StorageFixture.snapshot("REPLAY-USDT", DAY_20231114 + 500, 10, 2));
    events.add(StorageFixture.delta("REPLAY-USDT", DAY_20231114 + 600, 12));
    for (int i = 0; i < 1_500; i++) {
      events.add(replayTrade(i));
    }
    storage.publish(events);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      // the stream is shared with other test classes: count this class's symbols only
      String ours = " FINAL WHERE symbol IN ('PAGE-USDT', 'OHLC-USDT', 'TICK-USDT', 'BOOK-USDT', 'REPLAY-USDT')";
      assertThat(clickHouseServer.query("SELECT count() FROM api_test.trades" + ours).strip()).isEqualTo("4004");
      assertThat(clickHouseServer.query("SELECT count() FROM api_test.book_deltas" + ours).strip()).isEqualTo("2");
      assertThat(clickHouseServer.query("SELECT count() FROM api_test.book_snapshots" + ours).strip())
          .isEqualTo("3");
      assertThat(clickHouseServer.query("SELECT count() FROM api_test.tickers" + ours).strip()).isEqualTo("3");
    });
  }

  static MarketEvent replayTrade(int i) {
    MarketEvent trade = StorageFixture.trade("REPLAY-USDT", 100 + i, DAY_20231114 + 400 + i * 100L);
    return trade.toBuilder().setTrade(trade.getTrade().toBuilder().setExchange("okx")).build();
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
  }

  @Test
  void listTradesFromAStartPagesForwardInStableOrderExactlyOnce() {
    List<Trade> listed = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListTradesResponse page = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
          .setSymbol("PAGE-USDT").setStartTimeNs(DAY_20231114).setLimit(1000).setPageToken(token).build());
      listed.addAll(page.getTradesList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(pages).isEqualTo(3);
    assertThat(listed).containsExactlyElementsOf(pagedTrades);
  }

  @Test
  void listTradesWithoutARangeAnswersTheMostRecentInTimeOrder() {
    List<Trade> recent = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("PAGE-USDT")
        .setLimit(5).build()).getTradesList();

    // the last five of 2,500, oldest of them first (the last two share a time: trade_id breaks the tie)
    assertThat(recent).containsExactlyElementsOf(pagedTrades.subList(2_495, 2_500));
  }

  @Test
  void listTradesWithoutAStartPagesBackwardFromTheNewestExactlyOnce() {
    List<List<Trade>> pages = new ArrayList<>();
    String token = "";
    do {
      ListTradesResponse page = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
          .setSymbol("PAGE-USDT").setLimit(1000).setPageToken(token).build());
      pages.add(page.getTradesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    // newest page first; each page ascending; together every trade once
    assertThat(pages).hasSize(3);
    assertThat(pages.get(0)).containsExactlyElementsOf(pagedTrades.subList(1_500, 2_500));
    assertThat(pages.get(1)).containsExactlyElementsOf(pagedTrades.subList(500, 1_500));
    assertThat(pages.get(2)).containsExactlyElementsOf(pagedTrades.subList(0, 500));
  }

  @Test
  void listTradesWithOnlyAnEndAnswersTheMostRecentBeforeIt() {
    long end = DAY_20231114 + 100 * 1_000L; // trades 0..199 are before it
    ListTradesResponse page = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
        .setSymbol("PAGE-USDT").setEndTimeNs(end).setLimit(150).build());
    assertThat(page.getTradesList()).containsExactlyElementsOf(pagedTrades.subList(50, 200));

    ListTradesResponse older = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
        .setSymbol("PAGE-USDT").setEndTimeNs(end).setLimit(150).setPageToken(page.getNextPageToken()).build());
    assertThat(older.getTradesList()).containsExactlyElementsOf(pagedTrades.subList(0, 50));
    assertThat(older.getNextPageToken()).isEmpty();
  }

  @Test
  void listTradesRangeIsHalfOpenOnExchangeTime() {
    long start = DAY_20231114 + 10 * 1_000L;
    long end = DAY_20231114 + 20 * 1_000L;
    List<Trade> listed = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("PAGE-USDT")
        .setStartTimeNs(start).setEndTimeNs(end).build()).getTradesList();

    assertThat(listed).containsExactlyElementsOf(pagedTrades.stream()
        .filter(t -> t.getExchangeTimeNs() >= start && t.getExchangeTimeNs() < end).toList());
    assertThat(listed).hasSize(20);
  }

  @Test
  void invalidListTradesRequestsNameEveryBadField() {
    assertThat(violations(() -> api.listTrades(ListTradesRequest.newBuilder().setExchange("kraken")
        .setSymbol("btc/usdt").setStartTimeNs(10).setEndTimeNs(5).setLimit(-1).build())))
        .containsExactlyInAnyOrder("exchange", "symbol", "end_time_ns", "limit");
    assertThat(violations(() -> api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
        .setSymbol("PAGE-USDT").setPageToken("not a token").build()))).containsExactly("page_token");

    String token = api.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("PAGE-USDT")
        .setLimit(10).build()).getNextPageToken();
    assertThat(violations(() -> api.listTrades(ListTradesRequest.newBuilder().setExchange("binance")
        .setSymbol("PAGE-USDT").setStartTimeNs(1).setPageToken(token).build()))).containsExactly("page_token");
  }

  @Test
  void limitAboveTheMaximumIsClamped() {
    assertThat(api.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("PAGE-USDT")
        .setLimit(1_000_000).build()).getTradesCount()).isEqualTo(2_500);
  }

  @Test
  void latestTickerIsTheOneWithTheGreatestExchangeTime() {
    assertThat(api.getLatestTicker(GetLatestTickerRequest.newBuilder().setExchange("okx").setSymbol("TICK-USDT")
        .build()).getTicker().getBidPrice()).isEqualTo("1.3");
    assertThatThrownBy(() -> api.getLatestTicker(GetLatestTickerRequest.newBuilder().setExchange("okx")
        .setSymbol("NONE-USDT").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void bookSnapshotIsTheLatestAtOrBeforeTheTimeTruncatedToDepth() {
    var at150 = api.getBookSnapshot(GetBookSnapshotRequest.newBuilder().setExchange("okx").setSymbol("BOOK-USDT")
        .setTimeNs(DAY_20231114 + 150).setDepth(2).build()).getSnapshot();
    var at200 = api.getBookSnapshot(GetBookSnapshotRequest.newBuilder().setExchange("okx").setSymbol("BOOK-USDT")
        .setTimeNs(DAY_20231114 + 200).build()).getSnapshot();

    assertThat(at150.getLastSequence()).isEqualTo(1);
    assertThat(at150.getBidsList()).extracting(l -> l.getPrice()).containsExactly("100", "99");
    assertThat(at150.getAsksList()).extracting(l -> l.getPrice()).containsExactly("101", "102");
    assertThat(at200.getLastSequence()).isEqualTo(2);
    assertThat(at200.getBidsCount()).isEqualTo(5);
    assertThatThrownBy(() -> api.getBookSnapshot(GetBookSnapshotRequest.newBuilder().setExchange("okx")
        .setSymbol("BOOK-USDT").setTimeNs(DAY_20231114 + 99).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void candlesAreComputedFromTradesAndEmptyIntervalsOmitted() {
    List<Candle> candles = api.listCandles(ListCandlesRequest.newBuilder().setExchange("binance")
        .setSymbol("OHLC-USDT").setInterval(CandleInterval.CANDLE_INTERVAL_1M).setStartTimeNs(DAY_20231114 + 7)
        .build()).getCandlesList();

    assertThat(candles).hasSize(2);
    Candle first = candles.get(0);
    assertThat(first.getStartTimeNs()).isEqualTo(DAY_20231114);
    assertThat(List.of(first.getOpen(), first.getHigh(), first.getLow(), first.getClose(), first.getVolume(),
        first.getBuyVolume())).containsExactly("100.5", "103", "99.25", "99.25", "3.5", "1.5");
    assertThat(first.getTradeCount()).isEqualTo(3);
    assertThat(first.getClosed()).isTrue();
    assertThat(candles.get(1).getStartTimeNs()).isEqualTo(DAY_20231114 + 2 * MINUTE);
    assertThat(candles.get(1).getOpen()).isEqualTo("101");
    assertThat(violations(() -> api.listCandles(ListCandlesRequest.newBuilder().setExchange("binance")
        .setSymbol("OHLC-USDT").build()))).containsExactly("interval");
  }

  @Test
  void candlesWithoutAStartAreTheMostRecentAndPageBackward() {
    ListCandlesRequest newest = ListCandlesRequest.newBuilder().setExchange("binance").setSymbol("OHLC-USDT")
        .setInterval(CandleInterval.CANDLE_INTERVAL_1M).setLimit(1).build();
    ListCandlesResponse last = api.listCandles(newest);
    assertThat(last.getCandlesList()).extracting(Candle::getStartTimeNs).containsExactly(DAY_20231114 + 2 * MINUTE);

    ListCandlesResponse before = api.listCandles(newest.toBuilder().setPageToken(last.getNextPageToken()).build());
    assertThat(before.getCandlesList()).extracting(Candle::getStartTimeNs).containsExactly(DAY_20231114);
    assertThat(before.getCandles(0).getTradeCount()).isEqualTo(3);

    ListCandlesResponse none = api.listCandles(newest.toBuilder().setPageToken(before.getNextPageToken()).build());
    assertThat(none.getCandlesList()).isEmpty();
    assertThat(none.getNextPageToken()).isEmpty();

    assertThat(api.listCandles(newest.toBuilder().setLimit(5).build()).getCandlesList())
        .extracting(Candle::getStartTimeNs).containsExactly(DAY_20231114, DAY_20231114 + 2 * MINUTE);
  }

  @Test
  void statsReportRowsAndConsumerLagOfHotTables() {
    List<TableStats> tables = api.getStats(GetStatsRequest.getDefaultInstance()).getTablesList();

    assertThat(tables).hasSize(14);
    TableStats trades = tables.get(0);
    assertThat(trades.getTable()).isEqualTo("trades");
    assertThat(trades.getTier()).isEqualTo(Tier.TIER_HOT);
    assertThat(trades.getRows()).isGreaterThanOrEqualTo(4004);
    assertThat(trades.getNewestEventTimeNs()).isGreaterThanOrEqualTo(DAY_20231114 + 2 * MINUTE);
    assertThat(trades.hasConsumerLag()).isTrue();
    assertThat(tables.get(1).getTier()).isEqualTo(Tier.TIER_COLD);
    assertThat(tables.get(1).hasConsumerLag()).isFalse();
  }

  @Test
  void replayStreamsEventsInTimeThenTypeOrderAndResumesFromAToken() {
    ReplayEventsRequest request = ReplayEventsRequest.newBuilder().setExchange("okx").setSymbol("REPLAY-USDT")
        .setStartTimeNs(DAY_20231114).setEndTimeNs(DAY_20231114 + 1_000_000).build();
    List<ReplayEventsResponse> responses = new ArrayList<>();
    api.replayEvents(request).forEachRemaining(responses::add);
    List<MarketEvent> events = responses.stream().flatMap(r -> r.getEventsList().stream()).toList();

    assertThat(events).hasSize(1_503);
    assertThat(responses.get(0).getEventsCount()).isEqualTo(1000);
    assertThat(events.get(0)).isEqualTo(replayTrade(0));
    // time 500: trade 1 (type 1), then the snapshot (2), then the delta (3)
    assertThat(events.subList(1, 5)).extracting(MarketEvent::getEventCase).containsExactly(
        MarketEvent.EventCase.TRADE, MarketEvent.EventCase.BOOK_SNAPSHOT, MarketEvent.EventCase.BOOK_DELTA,
        MarketEvent.EventCase.TRADE);

    List<MarketEvent> resumed = new ArrayList<>();
    api.replayEvents(request.toBuilder().setResumeToken(responses.get(0).getResumeToken()).build())
        .forEachRemaining(r -> resumed.addAll(r.getEventsList()));
    assertThat(resumed).containsExactlyElementsOf(events.subList(1000, 1_503));

    assertThat(violations(() -> api.replayEvents(request.toBuilder().setSymbol("OTHER-USDT")
        .setResumeToken(responses.get(0).getResumeToken()).build()).hasNext())).containsExactly("resume_token");
    assertThat(violations(() -> api.replayEvents(request.toBuilder().setEndTimeNs(Long.MAX_VALUE).build())
        .hasNext())).containsExactly("end_time_ns");
  }

  @Test
  void replayOfSomeTypesOnlyStreamsThose() {
    List<MarketEvent> events = new ArrayList<>();
    api.replayEvents(ReplayEventsRequest.newBuilder().setExchange("okx").setSymbol("REPLAY-USDT")
        .addDataTypes(DataType.DATA_TYPE_BOOK_DELTA).setStartTimeNs(DAY_20231114)
        .setEndTimeNs(DAY_20231114 + 1_000_000).build()).forEachRemaining(r -> events.addAll(r.getEventsList()));

    assertThat(events).extracting(e -> e.getBookDelta().getLastSequence()).containsExactly(11L, 12L);
  }

  @Test
  void followStreamsLiveEventsOfTheInstrument() throws Exception {
    Iterator<FollowEventsResponse> follow = StorageServiceGrpc.newBlockingStub(storage.channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .followEvents(FollowEventsRequest.newBuilder().setExchange("binance").setSymbol("LIVE-USDT").build());
    // the call is established once the server has registered the follower; publish until one arrives
    MarketEvent live = StorageFixture.trade("LIVE-USDT", 1, DAY_20231114);
    Thread publisher = new Thread(() -> {
      try {
        for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++) {
          storage.publish(List.of(StorageFixture.trade("LIVE-USDT", i, DAY_20231114 + i)));
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    publisher.start();
    try {
      MarketEvent first = follow.next().getEvents(0);
      assertThat(first.getTrade().getSymbol()).isEqualTo("LIVE-USDT");
      assertThat(first.getTrade().getExchange()).isEqualTo(live.getTrade().getExchange());
    } finally {
      publisher.interrupt();
      publisher.join();
    }
  }

  static List<String> violations(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      com.google.rpc.Status status = StatusProto.fromThrowable(e);
      try {
        return status.getDetails(0).unpack(BadRequest.class).getFieldViolationsList().stream()
            .map(BadRequest.FieldViolation::getField).toList();
      } catch (com.google.protobuf.InvalidProtocolBufferException notBadRequest) {
        throw new AssertionError("details are not a BadRequest", notBadRequest);
      }
    }
    throw new AssertionError("call succeeded");
  }
}
