package io.marketprism.scheduler.fire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.observability.Telemetry;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.Execution;
import io.marketprism.scheduler.v1.ExecutionState;
import io.marketprism.scheduler.v1.GetRunRequest;
import io.marketprism.scheduler.v1.ListExecutionsRequest;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.RunState;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.TriggerTaskRequest;
import io.marketprism.storage.DataStorageConfig;
import io.marketprism.storage.DataStorageService;
import io.marketprism.storage.v1.ArchiveResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.testkit.ClickHouseServer;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithClickHouse;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task calling the real data-storage's {@code Archive} (ClickHouse behind it), and what its run records. */
@WithNats
@WithClickHouse
class StorageArchiveTaskTest {

  /** 2021-06-01 00:00 UTC: days no other test of this JVM writes. */
  static final long DAY_20210601 = 1_622_505_600_000_000_000L;

  static NatsServer natsServer;
  static ClickHouseServer clickHouseServer;

  @Test
  void theArchiveTaskMovesOldDaysAndItsExecutionKeepsStoragesAnswer() throws Exception {
    String database = "scheduler_archive_" + ProcessHandle.current().pid();
    clickHouseServer.query("DROP DATABASE IF EXISTS " + database);
    RunningService storage = startStorage(database);
    ManagedChannel channel = ManagedChannelBuilder
        .forAddress("127.0.0.1", storage.grpcAddress().getPort()).usePlaintext().build();
    try (SchedulerFixture scheduler = SchedulerFixture.start(natsServer, SchedulerFixture.uniquePrefix(),
        "127.0.0.1:" + storage.grpcAddress().getPort())) {
      publishTrades(50);
      var stub = StorageServiceGrpc.newBlockingStub(channel);
      await().atMost(Duration.ofSeconds(60)).until(() -> stub.listTrades(ListTradesRequest.newBuilder()
          .setExchange("binance").setSymbol("SCHED-USDT").setLimit(1000).build()).getTradesCount() == 50);

      scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(Task.newBuilder()
          .setTaskId("archive-nightly")
          .setSchedule(Schedule.newBuilder().setCron("30 0 * * *").setTimeZone("UTC"))
          .setTarget(Target.newBuilder().setService("data-storage")
              .setMethod("marketprism.storage.v1.StorageService/Archive")
              .setRequestJson("{\"dataTypes\": [\"DATA_TYPE_TRADE\"], \"wait\": true}")
              .putFireTimeFields("cutoff_time_ns", Durations.fromHours(48))
              .setTimeout(Durations.fromSeconds(60)))).build());
      Run run = scheduler.api().triggerTask(TriggerTaskRequest.newBuilder().setTaskId("archive-nightly").build())
          .getRun();
      await().atMost(Duration.ofSeconds(60)).until(() -> scheduler.api().getRun(GetRunRequest.newBuilder()
          .setTaskId(run.getTaskId()).setRunId(run.getRunId()).build()).getRun().getState()
          == RunState.RUN_STATE_SUCCEEDED);

      List<Execution> executions = scheduler.api().listExecutions(ListExecutionsRequest.newBuilder()
          .setTaskId(run.getTaskId()).setRunId(run.getRunId()).build()).getExecutionsList();
      assertThat(executions).hasSize(1);
      assertThat(executions.get(0).getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
      ArchiveResponse answer = executions.get(0).getResponse().unpack(ArchiveResponse.class);
      assertThat(answer.getMovedRows()).isEqualTo(50);
      assertThat(answer.getPartitionsList()).extracting(p -> p.getTable() + "/" + p.getDay())
          .containsExactly("trades/20210601");
      assertThat(clickHouseServer.query("SELECT count() FROM " + database + ".trades_archive FINAL").strip())
          .isEqualTo("50");
      assertThat(clickHouseServer.query("SELECT count() FROM " + database + ".trades FINAL WHERE symbol = 'SCHED-USDT'")
          .strip()).isEqualTo("0");
    } finally {
      channel.shutdownNow();
      storage.stop();
    }
  }

  private static RunningService startStorage(String database) {
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_NATS_URL", natsServer.url());
    env.put("MARKETPRISM_CLICKHOUSE_URL", clickHouseServer.jdbcUrl());
    env.put("MARKETPRISM_CLICKHOUSE_DATABASE", database);
    env.put("MARKETPRISM_INGEST_DURABLE", database);
    env.put("MARKETPRISM_INGEST_FLUSH_INTERVAL", "50ms");
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    DataStorageConfig config = ConfigLoader.load(DataStorageConfig.class, null, env);
    return ServiceKit.builder(new DataStorageService(), config)
        .telemetry(Telemetry.of("data-storage", OpenTelemetrySdk.builder().build(), new PrometheusRegistry()))
        .start();
  }

  private static void publishTrades(int count) throws Exception {
    NatsConfig natsConfig = new NatsConfig().withUrl(natsServer.url());
    try (Connection connection = NatsConnections.connect(natsConfig, "scheduler-test", new PrometheusRegistry())) {
      DefaultStreams.ensure(connection, natsConfig.streams());
      try (BoundedPublisher publisher = BoundedPublisher.start(connection, natsConfig.publisher(),
          new PrometheusRegistry())) {
        for (int i = 0; i < count; i++) {
          long time = DAY_20210601 + i * 1_000_000_000L;
          publisher.publish(MarketEvent.newBuilder().setTrade(Trade.newBuilder().setExchange("binance")
              .setSymbol("SCHED-USDT").setNativeSymbol("SCHEDUSDT").setTradeId(Long.toString(i))
              .setSide(Side.SIDE_BUY).setPrice("100.5").setAmount("0.01").setExchangeTimeNs(time)
              .setReceiveTimeNs(time + 1)).build());
        }
        assertThat(publisher.flush(Duration.ofSeconds(30))).isTrue();
      }
    }
  }
}
