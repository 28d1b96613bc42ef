package io.marketprism.collector.connection;

import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.observability.RootSampler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * Traces a sampled share of the frames read from the exchanges: the frame's normalization is a span
 * {@code normalize <exchange>}, the root of a new trace, and every event it emits is published inside it, so the
 * publish spans (and, through {@code traceparent}, storage's consume and insert spans) join that trace.
 *
 * <p>The share is {@code tracing.sampling-ratio} (default 0.001): the collector handles up to a million frames a
 * second, so an unsampled frame must cost almost nothing — one random draw ({@link RootSampler}), no span, no
 * context. Thread-safe.
 */
public final class FrameTracing {

  private static final AttributeKey<String> EXCHANGE = AttributeKey.stringKey("marketprism.exchange");
  private static final AttributeKey<Long> FRAME_SIZE = AttributeKey.longKey("marketprism.frame.size");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("marketprism.frame.outcome");

  private static final FrameTracing OFF = new FrameTracing(OpenTelemetry.noop(), RootSampler.never());

  private final Tracer tracer;
  private final RootSampler sampler;

  public FrameTracing(OpenTelemetry openTelemetry, RootSampler sampler) {
    this.tracer = openTelemetry.getTracer("io.marketprism.collector");
    this.sampler = sampler;
  }

  /** Traces nothing. */
  public static FrameTracing off() {
    return OFF;
  }

  /** {@code feed.handle(frame, receiveTimeNs)}, inside a new trace when this frame is sampled. */
  public FrameOutcome handle(ExchangeFeed feed, CharSequence frame, long receiveTimeNs) {
    if (!sampler.sampleNewTrace()) {
      return feed.handle(frame, receiveTimeNs);
    }
    Span span = tracer.spanBuilder("normalize " + feed.exchange())
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(EXCHANGE, feed.exchange())
        .setAttribute(FRAME_SIZE, (long) frame.length())
        .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      FrameOutcome outcome = feed.handle(frame, receiveTimeNs);
      span.setAttribute(OUTCOME, outcome.name());
      return outcome;
    } finally {
      span.end();
    }
  }
}
