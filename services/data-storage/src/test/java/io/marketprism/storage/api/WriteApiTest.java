package io.marketprism.storage.api;

import static io.marketprism.storage.StorageFixture.DAY_20231114;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.v1.GetBookSnapshotRequest;
import io.marketprism.storage.v1.GetLatestTickerRequest;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.storage.v1.WriteOrderBooksRequest;
import io.marketprism.storage.v1.WriteOrderBooksResponse;
import io.marketprism.storage.v1.WriteTickersRequest;
import io.marketprism.storage.v1.WriteTickersResponse;
import io.marketprism.storage.v1.WriteTradesRequest;
import io.marketprism.storage.v1.WriteTradesResponse;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The write RPCs against a storage service on real NATS and ClickHouse: written records come back from the reads. */
@WithNats
@WithClickHouse
class WriteApiTest {

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;
  static StorageFixture storage;
  static StorageServiceGrpc.StorageServiceBlockingStub api;

  @BeforeAll
  static void start() throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS write_test");
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "write_test", Map.of());
    api = storage.storage;
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
  }

  static Trade trade(String symbol, int id) {
    return StorageFixture.trade(symbol, id, DAY_20231114 + id * 1_000L).getTrade();
  }

  @Test
  void writtenTradesAreStoredAndReadBackExactly() {
    List<Trade> trades = List.of(trade("WRITE-USDT", 1),
        trade("WRITE-USDT", 2).toBuilder().setPrice("42219.900000000000000001").setAmount("12345678901234567890")
            .build(),
        trade("WRITE-USDT", 3));

    WriteTradesResponse written = api.writeTrades(WriteTradesRequest.newBuilder().addAllTrades(trades).build());

    assertThat(written.getAccepted()).isEqualTo(3);
    assertThat(written.getDuplicates()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.listTrades(ListTradesRequest
        .newBuilder().setExchange("binance").setSymbol("WRITE-USDT").build()).getTradesList())
        .containsExactlyElementsOf(trades));
  }

  @Test
  void aTradeWithoutReceiveTimeGetsTheTimeStorageReceivedIt() {
    long before = System.currentTimeMillis() * 1_000_000L;
    Trade trade = trade("RECV-USDT", 1).toBuilder().setReceiveTimeNs(0).build();

    api.writeTrades(WriteTradesRequest.newBuilder().addTrades(trade).build());

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.listTrades(ListTradesRequest
        .newBuilder().setExchange("binance").setSymbol("RECV-USDT").build()).getTradesList())
        .singleElement().satisfies(stored -> {
          assertThat(stored.getReceiveTimeNs()).isGreaterThanOrEqualTo(before);
          assertThat(stored.toBuilder().setReceiveTimeNs(0).build()).isEqualTo(trade);
        }));
  }

  @Test
  void aRepeatedWriteIsStoredOnce() throws Exception {
    WriteTradesRequest twice = WriteTradesRequest.newBuilder()
        .addTrades(trade("DUP-USDT", 1)).addTrades(trade("DUP-USDT", 2)).build();

    assertThat(api.writeTrades(twice).getDuplicates()).isZero();
    WriteTradesResponse again = api.writeTrades(twice);
    // a later trade on the same subject: once it is stored, everything published before it was consumed
    api.writeTrades(WriteTradesRequest.newBuilder().addTrades(trade("DUP-USDT", 3)).build());

    assertThat(again.getAccepted()).isEqualTo(2);
    assertThat(again.getDuplicates()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.listTrades(ListTradesRequest
        .newBuilder().setExchange("binance").setSymbol("DUP-USDT").build()).getTradesList())
        .extracting(Trade::getTradeId).containsExactly("1", "2", "3"));
    // rows as inserted, before any merge: JetStream dropped the copies, nothing relied on ReplacingMergeTree
    assertThat(clickHouseServer.query("SELECT count() FROM write_test.trades WHERE symbol = 'DUP-USDT'").strip())
        .isEqualTo("3");
  }

  @Test
  void invalidRecordsAreRejectedByPathAndNothingOfTheRequestIsPublished() throws Exception {
    WriteTradesRequest mixed = WriteTradesRequest.newBuilder()
        .addTrades(trade("BAD-USDT", 1)) // valid, but its batch is not
        .addTrades(trade("BAD-USDT", 2).toBuilder().setPrice("4.2e3").build())
        .addTrades(trade("BAD-USDT", 3).toBuilder().setExchangeTimeNs(1_699_920_000_000L).setSide(Side.SIDE_UNSPECIFIED)
            .build())
        .addTrades(trade("BAD-USDT", 4).toBuilder().setExchange("kraken").setSymbol("btc/usdt").setTradeId("")
            .setAmount("0").build())
        .addTrades(trade("BAD-USDT", 5).toBuilder().setPrice("-1").setAmount("0.0000000000000000001").build())
        .build();

    assertThat(StorageApiTest.violations(() -> api.writeTrades(mixed))).containsExactlyInAnyOrder(
        "trades[1].price",
        "trades[2].exchange_time_ns", "trades[2].side",
        "trades[3].exchange", "trades[3].symbol", "trades[3].trade_id", "trades[3].amount",
        "trades[4].price", "trades[4].amount");
    assertThat(lastMessage(MarketDataSubjects.subject(DataType.DATA_TYPE_TRADE, "binance", "BAD-USDT"))).isNull();
  }

  @Test
  void batchesAreBoundedAndLongViolationListsCut() {
    assertThat(StorageApiTest.violations(() -> api.writeTrades(WriteTradesRequest.getDefaultInstance())))
        .containsExactly("trades");
    List<Trade> tooMany = Collections.nCopies(StorageApi.MAX_WRITE_RECORDS + 1, trade("MANY-USDT", 1));
    assertThat(StorageApiTest.violations(() -> api.writeTrades(WriteTradesRequest.newBuilder().addAllTrades(tooMany)
        .build()))).containsExactly("trades");

    List<Trade> allBad = new ArrayList<>();
    for (int i = 0; i < StorageApi.MAX_WRITE_RECORDS; i++) {
      allBad.add(trade("MANY-USDT", i).toBuilder().setPrice("x").build());
    }
    List<String> fields = StorageApiTest.violations(() -> api.writeTrades(WriteTradesRequest.newBuilder()
        .addAllTrades(allBad).build()));
    // the first violations in order, then one naming where the unlisted ones start
    assertThat(fields).hasSizeBetween(5, 100);
    for (int i = 0; i < fields.size(); i++) {
      assertThat(fields.get(i)).isEqualTo("trades[" + i + "].price");
    }
  }

  @Test
  void writtenTickersAreStoredAndTheLatestReadBack() {
    Ticker ticker = Ticker.newBuilder().setExchange("okx").setSymbol("WTICK-USDT").setNativeSymbol("WTICK-USDT")
        .setBidPrice("1.25").setBidAmount("3").setAskPrice("1.26").setAskAmount("0.5").setLastPrice("1.255")
        .setExchangeTimeNs(DAY_20231114 + 50).setReceiveTimeNs(DAY_20231114 + 60).setLastSequence(7).build();
    Ticker older = ticker.toBuilder().setBidPrice("1.1").setExchangeTimeNs(DAY_20231114 + 10).setLastSequence(6)
        .build();

    WriteTickersResponse written = api.writeTickers(WriteTickersRequest.newBuilder().addTickers(ticker)
        .addTickers(older).build());

    assertThat(written.getAccepted()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.getLatestTicker(
        GetLatestTickerRequest.newBuilder().setExchange("okx").setSymbol("WTICK-USDT").build()).getTicker())
        .isEqualTo(ticker));
    assertThat(StorageApiTest.violations(() -> api.writeTickers(WriteTickersRequest.newBuilder()
        .addTickers(ticker.toBuilder().setBidPrice("1.3").setAskAmount("-2"))
        .addTickers(ticker.toBuilder().clearBidPrice().clearAskPrice().clearLastPrice().clearExchangeTimeNs())
        .build()))).containsExactlyInAnyOrder("tickers[0].bid_price", "tickers[0].ask_amount", "tickers[1]",
            "tickers[1].exchange_time_ns");
  }

  @Test
  void writtenBookSnapshotsAreStoredAndReadBack() {
    BookSnapshot snapshot = BookSnapshot.newBuilder().setExchange("okx").setSymbol("WBOOK-USDT")
        .setNativeSymbol("WBOOK-USDT").setExchangeTimeNs(DAY_20231114 + 100).setReceiveTimeNs(DAY_20231114 + 101)
        .setLastSequence(42).setDepth(2)
        .addBids(Level.newBuilder().setPrice("100.5").setAmount("1")).addBids(Level.newBuilder().setPrice("100")
            .setAmount("2.25"))
        .addAsks(Level.newBuilder().setPrice("101").setAmount("0.1")).addAsks(Level.newBuilder().setPrice("102")
            .setAmount("4"))
        .build();

    WriteOrderBooksResponse written = api.writeOrderBooks(WriteOrderBooksRequest.newBuilder().addSnapshots(snapshot)
        .build());

    assertThat(written.getAccepted()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.getBookSnapshot(
        GetBookSnapshotRequest.newBuilder().setExchange("okx").setSymbol("WBOOK-USDT").build()).getSnapshot())
        .isEqualTo(snapshot));

    BookSnapshot unsorted = snapshot.toBuilder().setSymbol("WBAD-USDT")
        .setBids(1, Level.newBuilder().setPrice("101").setAmount("1"))
        .setAsks(0, Level.newBuilder().setPrice("101").setAmount("0")).build();
    assertThat(StorageApiTest.violations(() -> api.writeOrderBooks(WriteOrderBooksRequest.newBuilder()
        .addSnapshots(unsorted).build())))
        .containsExactlyInAnyOrder("snapshots[0].bids[1].price", "snapshots[0].asks[0].amount");
    assertThatThrownBy(() -> lastMessageOrThrow(MarketDataSubjects.subject(DataType.DATA_TYPE_BOOK_SNAPSHOT, "okx",
        "WBAD-USDT"))).isInstanceOf(JetStreamApiException.class);
  }

  /** The stream's last message on {@code subject}, or null if it has none. */
  private static MessageInfo lastMessage(String subject) throws Exception {
    try {
      return lastMessageOrThrow(subject);
    } catch (JetStreamApiException noMessage) {
      return null;
    }
  }

  private static MessageInfo lastMessageOrThrow(String subject) throws Exception {
    return storage.nats.jetStreamManagement().getLastMessage(DefaultStreams.MARKET_DATA, subject);
  }
}
