package io.marketprism.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * A span processor that does nothing, and is there for that reason: when a tracer provider's only processor is the
 * no-op one (autoconfigure with {@code otel.traces.exporter=none}), the SDK hands out invalid, non-recording spans,
 * so logs would lose their trace ids and callees their {@code traceparent}. With this processor present the SDK
 * creates real spans whether or not anything exports them.
 */
final class AlwaysRecordSpanProcessor implements SpanProcessor {

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
