package io.marketprism.storage.api;

import static io.marketprism.storage.StorageFixture.DAY_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.v1.ArchiveRequest;
import io.marketprism.storage.v1.ArchiveResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.PurgeArchiveRequest;
import io.marketprism.storage.v1.PurgeArchiveResponse;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The tests share one database; the late hot trade of the second must not exist during the first. */
@WithNats
@WithClickHouse
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveTest {

  /**
   * 2022-01-10 00:00 UTC. Archive acts on whole tables, and other test classes' consumers store into theirs whatever
   * the shared stream holds: this class's days are its own (others use 2023-11-14), so a cutoff in 2022 moves only
   * this class's rows.
   */
  static final long DAY_20220110 = 1_641_772_800_000_000_000L;

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;
  static StorageFixture storage;

  @BeforeAll
  static void start() throws Exception {
    clickHouseServer.query("DROP DATABASE IF EXISTS archive_test");
    storage = StorageFixture.start(natsServer.url(), clickHouseServer.jdbcUrl(), "archive_test", Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
  }

  @Test
  @Order(1)
  void archiveInterruptedHalfWayAndRerunLosesAndDuplicatesNothingThenPurgeDropsColdDays() throws Exception {
    List<MarketEvent> trades = new ArrayList<>();
    for (int day = 0; day < 2; day++) {
      for (int i = 0; i < 100; i++) {
        trades.add(StorageFixture.trade("ARCH-USDT", day * 1000 + i, DAY_20220110 + day * DAY_NS + i * 1_000_000L));
      }
    }
    long recent = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
    trades.add(StorageFixture.trade("ARCH-USDT", 5000, recent));
    storage.publish(trades);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listAll()).hasSize(201));
    long cutoff = DAY_20220110 + 2 * DAY_NS + 5;

    ArchiveResponse dryRun = storage.storage.archive(ArchiveRequest.newBuilder().setCutoffTimeNs(cutoff)
        .setDryRun(true).build());
    assertThat(dryRun.getMovedRows()).isEqualTo(200);
    assertThat(hotCount()).isEqualTo(201);

    ArchiveResponse first = storage.storage.archive(ArchiveRequest.newBuilder().setCutoffTimeNs(cutoff)
        .addDataTypes(DataType.DATA_TYPE_TRADE).setMaxPartitions(1).build());
    assertThat(first.getPartitionsList()).extracting(p -> p.getTable() + "/" + p.getDay() + "/" + p.getRows())
        .containsExactly("trades/20220110/100");
    assertThat(first.getRemainingPartitions()).isEqualTo(1);

    // a crash in the middle of the next day: copied to the archive, not yet dropped from the hot table
    clickHouseServer.query("INSERT INTO archive_test.trades_archive SELECT * FROM archive_test.trades WHERE "
        + EventTable.DAY + " = 20220111");
    assertThat(listAll()).containsExactlyElementsOf(trades.stream().map(MarketEvent::getTrade).toList());

    ArchiveResponse rerun = storage.storage.archive(ArchiveRequest.newBuilder().setCutoffTimeNs(cutoff).build());
    assertThat(rerun.getMovedRows()).isEqualTo(100);
    assertThat(rerun.getRemainingPartitions()).isZero();
    assertThat(hotCount()).isEqualTo(1);
    assertThat(clickHouseServer.query("SELECT count() FROM archive_test.trades_archive FINAL").strip())
        .isEqualTo("200");
    assertThat(listAll()).containsExactlyElementsOf(trades.stream().map(MarketEvent::getTrade).toList());

    PurgeArchiveResponse purge = storage.storage.purgeArchive(PurgeArchiveRequest.newBuilder()
        .setCutoffTimeNs(DAY_20220110 + DAY_NS).build());
    assertThat(purge.getDroppedRows()).isEqualTo(100);
    assertThat(listAll()).containsExactlyElementsOf(trades.subList(100, 201).stream().map(MarketEvent::getTrade)
        .toList());
  }

  @Test
  @Order(2)
  void purgeRefusesWhileOlderHotDataExistsAndCutoffsAreValidated() throws Exception {
    storage.publish(List.of(StorageFixture.trade("LATE-USDT", 1, DAY_20220110 - 3 * DAY_NS)));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storage.storage.listTrades(
        ListTradesRequest.newBuilder().setExchange("binance").setSymbol("LATE-USDT").build()).getTradesCount())
        .isEqualTo(1));

    assertThatThrownBy(() -> storage.storage.purgeArchive(PurgeArchiveRequest.newBuilder()
        .setCutoffTimeNs(DAY_20220110).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThat(StorageApiTest.violations(() -> storage.storage.archive(ArchiveRequest.newBuilder()
        .setCutoffTimeNs(Long.MAX_VALUE).build()))).containsExactly("cutoff_time_ns");
    assertThat(StorageApiTest.violations(() -> storage.storage.purgeArchive(PurgeArchiveRequest.getDefaultInstance())))
        .containsExactly("cutoff_time_ns");
  }

  private static List<Trade> listAll() {
    return storage.storage.listTrades(ListTradesRequest.newBuilder().setExchange("binance").setSymbol("ARCH-USDT")
        .setLimit(10_000).build()).getTradesList();
  }

  private static long hotCount() {
    return Long.parseLong(clickHouseServer.query(
        "SELECT count() FROM archive_test.trades FINAL WHERE symbol = 'ARCH-USDT'").strip());
  }
}
