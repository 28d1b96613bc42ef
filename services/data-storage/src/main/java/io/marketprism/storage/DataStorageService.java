package io.marketprism.storage;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.storage.api.FollowHub;
import io.marketprism.storage.api.StorageApi;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.ingest.BatchLimits;
import io.marketprism.storage.ingest.Ingest;
import io.marketprism.storage.ingest.StorageHealth;
import io.marketprism.storage.publish.AckedPublisher;
import io.marketprism.storage.query.Archiver;
import io.marketprism.storage.query.CandleQueries;
import io.marketprism.storage.query.EventQueries;
import io.marketprism.storage.query.StatsQueries;
import io.marketprism.storage.schema.Migrations;
import io.marketprism.storage.schema.TableLayout;
import io.nats.client.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-storage service: ingests market data from JetStream into ClickHouse and serves it (trades, tickers, books,
 * candles, stats, archive, replay, follow); records clients write are published to JetStream and stored by the same
 * ingest.
 *
 * <p>Start-up: schema migrations (waiting up to {@code clickhouse.startup-timeout} for ClickHouse), NATS connection
 * and default streams, the gRPC API; once serving, the ingest consumers and the ClickHouse health ping.
 *
 * <p>Fields set in {@link #services} and read in {@link #onStarted}: the kit calls both on one thread, in order.
 */
public final class DataStorageService extends MarketPrismService<DataStorageConfig> {

  private static final Logger log = LoggerFactory.getLogger(DataStorageService.class);

  private Ingest ingest;
  private StorageHealth storageHealth;

  public DataStorageService() {
    super("data-storage", DataStorageConfig.class);
  }

  @Override
  protected List<BindableService> services(DataStorageConfig config, ServiceContext ctx) throws Exception {
    String database = config.clickhouse().database();
    ClickHouse clickHouse = new ClickHouse(config.clickhouse().url(), config.clickhouse().queryTimeout(),
        ctx.openTelemetry());
    migrate(clickHouse, database, TableLayout.of(config.clickhouse().cluster()), config.clickhouse().startupTimeout());

    Connection nats = ctx.shutdown().register("nats",
        NatsConnections.connect(config.nats(), ctx.serviceName(), ctx.metrics()));
    DefaultStreams.ensure(nats, config.nats().streams());

    storageHealth = ctx.shutdown().register("clickhouse-health", new StorageHealth(ctx.health(), clickHouse));
    FollowHub follow = new FollowHub(ctx.health()::draining);
    ingest = new Ingest(nats, clickHouse, database, config.ingest(), storageHealth, ctx.metrics(),
        ctx.openTelemetry(), follow);
    // registered after NATS, so closed before it: the consumers stop, then the connection
    ctx.shutdown().register("ingest", ingest);
    ctx.runtimeSettings().bind("ingest", BatchLimits.Setting.class, ingest.limits()::apply);
    ctx.shutdown().register("follow", follow);

    return List.of(new StorageApi(
        new EventQueries(clickHouse, database),
        new CandleQueries(clickHouse, database),
        new StatsQueries(clickHouse, database),
        new Archiver(clickHouse, database),
        follow,
        new AckedPublisher(nats),
        table -> ingest.lag(table.type()),
        new HashSet<>(config.query().exchanges()),
        Clock.systemUTC()));
  }

  /** Applies the migrations, retrying while ClickHouse is not up yet (it may be starting next to us). */
  private static void migrate(ClickHouse clickHouse, String database, TableLayout layout, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Migrations.apply(clickHouse, database, layout);
        return;
      } catch (SQLException e) {
        if (System.nanoTime() - deadline > 0 || clickHouse.isReachable()) {
          // out of time, or ClickHouse answers and rejects the schema: waiting will not help
          throw e;
        }
        log.info("waiting for ClickHouse: {}", e.getMessage());
        Thread.sleep(1_000);
      }
    }
  }

  @Override
  protected void onStarted(DataStorageConfig config, ServiceContext ctx) throws Exception {
    ingest.start();
    storageHealth.start();
  }
}
