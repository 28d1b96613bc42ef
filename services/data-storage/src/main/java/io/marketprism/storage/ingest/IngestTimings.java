package io.marketprism.storage.ingest;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Where an event's time between JetStream and a query goes, as histograms per table: how long the ClickHouse insert
 * took, and how long a batch's first message waited from being received until its batch was stored and acked (the
 * storage service's share of publish → queryable).
 */
final class IngestTimings {

  /** Seconds, from a quick small insert to a long stall behind a busy server. */
  private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private final Histogram insert;
  private final Histogram batchAge;

  IngestTimings(PrometheusRegistry metrics) {
    insert = Histogram.builder()
        .name("marketprism_storage_insert_seconds")
        .help("Duration of one successful batch insert into a hot table")
        .classicUpperBounds(BUCKETS)
        .classicOnly()
        .labelNames("table")
        .register(metrics);
    batchAge = Histogram.builder()
        .name("marketprism_storage_batch_age_seconds")
        .help("From receiving a batch's first message to the batch being stored and acked")
        .classicUpperBounds(BUCKETS)
        .classicOnly()
        .labelNames("table")
        .register(metrics);
  }

  void inserted(String table, long nanos) {
    insert.labelValues(table).observe(nanos / 1e9);
  }

  void batchStored(String table, long nanos) {
    batchAge.labelValues(table).observe(nanos / 1e9);
  }
}
