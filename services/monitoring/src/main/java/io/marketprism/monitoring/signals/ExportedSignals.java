package io.marketprism.monitoring.signals;

import io.marketprism.monitoring.scrape.MetricsScraper;
import io.marketprism.monitoring.series.SeriesStore;
import io.marketprism.monitoring.v1.Aggregation;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Re-exports on monitoring's own {@code /metrics} the signals only monitoring derives — feed staleness per symbol,
 * instance health from the registry, JetStream consumer lag from the broker — so that Prometheus (observability/prometheus) evaluates the same rules. Read
 * from the series store at scrape time.
 */
public final class ExportedSignals {

  private ExportedSignals() {}

  public static void register(SeriesStore store, PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name(FeedStaleness.METRIC)
        .help("Seconds since the newest event of each subscribed (exchange, symbol, type) in MARKET_DATA")
        .labelNames("exchange", "symbol", "type")
        .callback(callback -> store.forEachSeries(FeedStaleness.METRIC, (labels, samples) ->
            callback.call(latest(samples), labels.get("exchange"), labels.get("symbol"), labels.get("type"))))
        .register(metrics);
    GaugeWithCallback.builder()
        .name(MetricsScraper.INSTANCE_HEALTHY)
        .help("1 while the control plane's health checks pass the instance, else 0")
        .labelNames("service", "instance_id")
        .callback(callback -> store.forEachSeries(MetricsScraper.INSTANCE_HEALTHY, (labels, samples) ->
            callback.call(latest(samples), labels.get("service"), labels.get("instance_id"))))
        .register(metrics);
    consumerGauge(store, metrics, ConsumerLag.PENDING, "Messages of the stream not yet delivered to the consumer");
    consumerGauge(store, metrics, ConsumerLag.ACK_PENDING, "Messages delivered to the consumer and not yet acknowledged");
  }

  private static void consumerGauge(SeriesStore store, PrometheusRegistry metrics, String name, String help) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("stream", "consumer")
        .callback(callback -> store.forEachSeries(name, (labels, samples) ->
            callback.call(latest(samples), labels.get("stream"), labels.get("consumer"))))
        .register(metrics);
  }

  private static double latest(io.marketprism.monitoring.series.SampleBuffer samples) {
    return samples.reduce(Aggregation.AGGREGATION_LAST, 0, 0, Long.MIN_VALUE);
  }
}
