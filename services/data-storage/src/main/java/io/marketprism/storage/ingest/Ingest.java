package io.marketprism.storage.ingest;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.storage.DataStorageConfig;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.marketprism.messaging.MessagingSpans;
import io.opentelemetry.api.OpenTelemetry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The JetStream → ClickHouse ingest: one {@link TypeIngest} (durable consumer and thread) per data type, so each hot
 * table has its own consumer lag and a flood of trades does not delay tickers. Thread-safe after {@link #start()}.
 */
public final class Ingest implements AutoCloseable {

  private final Map<DataType, TypeIngest> byType = new EnumMap<>(DataType.class);
  private final BatchLimits limits;

  /**
   * @param listener sees every stored-to-be event as it is received (before it is written), on ingest threads; must
   *     not block
   */
  public Ingest(
      Connection nats,
      ClickHouse clickHouse,
      String database,
      DataStorageConfig.Ingest config,
      StorageHealth health,
      PrometheusRegistry metrics,
      OpenTelemetry openTelemetry,
      Consumer<MarketEvent> listener) {
    MessagingSpans messagingSpans = new MessagingSpans(openTelemetry);
    Counter rows =
        Counter.builder()
            .name("marketprism_storage_rows_stored_total")
            .help("Rows inserted into hot tables by the ingest")
            .labelNames("table")
            .register(metrics);
    Counter deadLettered =
        Counter.builder()
            .name("marketprism_storage_dead_letters_total")
            .help("Messages moved to the dead-letter subject, by data type token")
            .labelNames("type")
            .register(metrics);
    IngestTimings timings = new IngestTimings(metrics);
    this.limits = new BatchLimits(config);
    DeadLetters deadLetters;
    try {
      deadLetters = new DeadLetters(nats.jetStream(), config.deadLetterSubject(), deadLettered);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open JetStream", e);
    }
    for (EventTable table : EventTables.all()) {
      byType.put(table.type(),
          new TypeIngest(table, nats, clickHouse, database, config, limits, health, deadLetters, rows, timings, listener,
              messagingSpans, openTelemetry.getTracer("io.marketprism.storage.ingest")));
    }
  }

  /** The batch limits every type's ingest reads; changed at run time through {@link BatchLimits#apply}. */
  public BatchLimits limits() {
    return limits;
  }

  /** Creates the durable consumers and starts consuming. */
  public void start() throws IOException, JetStreamApiException {
    for (TypeIngest ingest : byType.values()) {
      ingest.start();
    }
  }

  /** Messages of {@code type} not yet stored; empty if NATS cannot tell now. */
  public OptionalLong lag(DataType type) {
    try {
      return OptionalLong.of(byType.get(type).lag());
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The durable consumer names, one per type. */
  public List<String> durables() {
    List<String> names = new ArrayList<>();
    byType.values().forEach(ingest -> names.add(ingest.durable()));
    return names;
  }

  @Override
  public void close() throws InterruptedException {
    for (TypeIngest ingest : byType.values()) {
      ingest.close();
    }
  }
}
