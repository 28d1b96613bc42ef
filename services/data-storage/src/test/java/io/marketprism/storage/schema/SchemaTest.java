package io.marketprism.storage.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.WithClickHouse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithClickHouse
class SchemaTest {

  static final String DATABASE = "schema_test";
  static ClickHouseServer server;
  static ClickHouse clickHouse;

  @BeforeAll
  static void migrate() throws Exception {
    clickHouse = StorageFixture.freshDatabase(server, DATABASE);
  }

  @Test
  void migrationsCreateHotAndColdTablesOnceAndAreIdempotent() throws Exception {
    assertThat(Migrations.apply(clickHouse, DATABASE)).isEmpty();

    List<String> tables = List.of(server.query("SELECT name FROM system.tables WHERE database = '" + DATABASE
        + "' ORDER BY name").split("\n"));
    assertThat(tables).contains("trades", "trades_archive", "book_snapshots", "book_deltas_archive", "tickers",
        "funding_rates", "liquidations", "open_interest", "open_interest_archive", "schema_migrations");
    assertThat(server.query("SELECT count() FROM " + DATABASE + ".schema_migrations").strip()).isEqualTo("2");
    assertThat(server.query("SELECT engine FROM system.tables WHERE database = '" + DATABASE
        + "' AND name = 'trades'").strip()).isEqualTo("ReplacingMergeTree");
  }

  @Test
  void everyTypeRoundTripsExactlyThroughItsTable() throws Exception {
    long t = StorageFixture.DAY_20231114 + 1234;
    List<MarketEvent> events = List.of(
        StorageFixture.trade("RT-USDT", 1, t, "42219.90000001", "0.000000000000000001", Side.SIDE_BUY),
        StorageFixture.snapshot("RT-USDT", t, 77, 3),
        MarketEvent.newBuilder().setBookDelta(BookDelta.newBuilder().setExchange("okx").setSymbol("RT-USDT")
            .setExchangeTimeNs(t).setReceiveTimeNs(t + 1).setLastSequence(9).setChecksum(-1)
            .addAsks(Level.newBuilder().setPrice("101.5").setAmount("0"))).build(),
        MarketEvent.newBuilder().setTicker(Ticker.newBuilder().setExchange("okx").setSymbol("RT-USDT")
            .setBidPrice("1.1").setBidAmount("2").setAskPrice("1.2").setAskAmount("3")
            .setExchangeTimeNs(t).setReceiveTimeNs(t + 1)).build(),
        MarketEvent.newBuilder().setFundingRate(FundingRate.newBuilder().setExchange("binance").setSymbol("RT-USDT-PERP")
            .setRate("-0.0001").setMarkPrice("42000.5").setFundingTimeNs(t + 5).setNextFundingTimeNs(t + 10)
            .setExchangeTimeNs(t).setReceiveTimeNs(t + 1)).build(),
        MarketEvent.newBuilder().setLiquidation(Liquidation.newBuilder().setExchange("binance").setSymbol("RT-USDT-PERP")
            .setSide(Side.SIDE_SELL).setPrice("41000").setAmount("12345678901234567890.5").setOrderId("o-1")
            .setExchangeTimeNs(t).setReceiveTimeNs(t + 1)).build(),
        MarketEvent.newBuilder().setOpenInterest(OpenInterest.newBuilder().setExchange("deribit")
            .setSymbol("BTC-USD-PERP").setAmount("123.25").setReceiveTimeNs(t)).build());

    for (MarketEvent event : events) {
      EventTable table = EventTables.of(MarketEventCodec.typeOf(event));
      List<Object[]> twice = List.of(EventRows.toRow(table, event), EventRows.toRow(table, event));
      String read = "SELECT " + EventRows.selectList(table) + " FROM " + DATABASE + "." + table.hotName() + " FINAL";

      clickHouse.insert(table.insertStatement(DATABASE, table.hotName()), twice);
      assertThat(clickHouse.query(read, List.of(), row -> EventRows.fromRow(table, row)))
          .as(table.hotName() + " by JDBC batch").containsExactly(event);

      clickHouse.execute("TRUNCATE TABLE " + DATABASE + "." + table.hotName());
      clickHouse.insertRowBinary(table.insertInto(DATABASE, table.hotName()), table.columnTypes(), twice);
      assertThat(clickHouse.query(read, List.of(), row -> EventRows.fromRow(table, row)))
          .as(table.hotName() + " by RowBinary").containsExactly(event);
    }
  }

  @Test
  void decimalsBeyondEighteenPlacesOrTwentyDigitsAreUnstorable() {
    EventTable trades = EventTables.of(io.marketprism.marketdata.v1.DataType.DATA_TYPE_TRADE);
    assertThatThrownBy(() -> EventRows.toRow(trades,
        StorageFixture.trade("X-Y", 1, 1, "0.0000000000000000001", "1", Side.SIDE_BUY)))
        .isInstanceOf(EventRows.UnstorableEventException.class).hasMessageContaining("decimal places");
    assertThatThrownBy(() -> EventRows.toRow(trades,
        StorageFixture.trade("X-Y", 1, 1, "123456789012345678901", "1", Side.SIDE_BUY)))
        .isInstanceOf(EventRows.UnstorableEventException.class).hasMessageContaining("integer digits");
    assertThatThrownBy(() -> EventRows.toRow(trades,
        StorageFixture.trade("X-Y", 1, 1, "4.2e3x", "1", Side.SIDE_BUY)))
        .isInstanceOf(EventRows.UnstorableEventException.class).hasMessageContaining("not a decimal");
  }
}
