package io.marketprism.messaging;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in NATS message headers, so a trace continues from
 * the collector through JetStream into storage. Uses OpenTelemetry's W3C propagator. Stateless and thread-safe.
 */
public final class TraceHeaders {

  /** The W3C header that carries the trace and parent span ids. */
  public static final String TRACEPARENT = "traceparent";

  private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();

  private static final TextMapSetter<Headers> SETTER = (headers, key, value) -> headers.put(key, value);

  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          return headers == null ? List.of() : headers.keySet();
        }

        @Override
        public String get(Headers headers, String key) {
          return headers == null ? null : headers.getFirst(key);
        }
      };

  private TraceHeaders() {}

  /** Writes {@code context}'s span (if any) into {@code headers}. */
  public static void inject(Context context, Headers headers) {
    PROPAGATOR.inject(context, headers, SETTER);
  }

  /** The context carried by {@code headers} (as the parent of a consumer span), or {@code Context.root()}. */
  public static Context extract(Headers headers) {
    return PROPAGATOR.extract(Context.root(), headers, GETTER);
  }
}
