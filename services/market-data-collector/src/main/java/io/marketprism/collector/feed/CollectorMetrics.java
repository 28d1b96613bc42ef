package io.marketprism.collector.feed;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * The collector's Prometheus metrics, all labelled by {@code exchange}:
 *
 * <ul>
 *   <li>{@code marketprism_collector_frames_total} — WebSocket frames received (data and control);
 *   <li>{@code marketprism_collector_reconnects_total} — connections lost or replaced;
 *   <li>{@code marketprism_collector_events_total{type,outcome}} — normalized events of subscribed streams,
 *       {@code outcome} = {@code published} (handed to the JetStream publisher) or {@code shed} (its buffer
 *       was full);
 *   <li>{@code marketprism_collector_rejected_frames_total{reason}} — frames that could not be normalized;
 *   <li>{@code marketprism_collector_book_resyncs_total{reason}} — book re-syncs requested, by reason:
 *       {@code sequence_gap}, {@code checksum_mismatch}, {@code stale_snapshot} (the gaps) and
 *       {@code no_snapshot} (first snapshots);
 *   <li>{@code marketprism_collector_subscription_request_waits_total} — times subscribe/unsubscribe requests waited
 *       for the exchange's per-connection request limit (OKX: 480 an hour).
 * </ul>
 *
 * The JetStream side ({@code marketprism_nats_publish_total{outcome}}: acked, duplicate, retried, shed) is
 * the publisher's own. Registered once per registry; thread-safe.
 */
public final class CollectorMetrics {
  final Counter events;
  final Counter rejects;
  final Counter resyncs;

  /** Registers the metrics; {@code totals} supplies the connection totals per exchange at scrape time. */
  public CollectorMetrics(PrometheusRegistry registry, Supplier<Iterable<ConnectionTotals>> totals) {
    events = Counter.builder()
        .name("marketprism_collector_events_total")
        .help("Normalized events of subscribed streams, by outcome: published (to the JetStream publisher) or shed")
        .labelNames("exchange", "type", "outcome")
        .register(registry);
    rejects = Counter.builder()
        .name("marketprism_collector_rejected_frames_total")
        .help("Exchange frames that could not be normalized, by reason")
        .labelNames("exchange", "reason")
        .register(registry);
    resyncs = Counter.builder()
        .name("marketprism_collector_book_resyncs_total")
        .help("Order-book re-syncs requested, by reason (sequence_gap, checksum_mismatch, stale_snapshot, no_snapshot)")
        .labelNames("exchange", "reason")
        .register(registry);
    CounterWithCallback.builder()
        .name("marketprism_collector_frames_total")
        .help("WebSocket frames received from the exchange")
        .labelNames("exchange")
        .callback(callback -> totals.get().forEach(t -> callback.call(t.frames(), t.exchange())))
        .register(registry);
    CounterWithCallback.builder()
        .name("marketprism_collector_reconnects_total")
        .help("Exchange connections lost (or proactively replaced) and re-made")
        .labelNames("exchange")
        .callback(callback -> totals.get().forEach(t -> callback.call(t.reconnects(), t.exchange())))
        .register(registry);
    CounterWithCallback.builder()
        .name("marketprism_collector_subscription_request_waits_total")
        .help("Times subscribe/unsubscribe requests had to wait for the exchange's per-connection request limit")
        .labelNames("exchange")
        .callback(callback -> totals.get().forEach(t -> callback.call(t.requestWaits(), t.exchange())))
        .register(registry);
  }

  /** Frames, reconnects and request-limit waits of one exchange's connections since start. */
  public record ConnectionTotals(String exchange, long frames, long reconnects, long requestWaits) {}
}
