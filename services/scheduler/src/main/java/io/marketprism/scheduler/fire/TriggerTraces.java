package io.marketprism.scheduler.fire;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A manual trigger's trace context, carried to the leader in its trigger signal (W3C {@code traceparent} and
 * {@code tracestate}, one {@code key=value} per line): the run's call to its target then continues the trace of the
 * request that asked for it — gateway, scheduler and target in one trace — although another replica may make it.
 */
public final class TriggerTraces {

  private static final TextMapGetter<Map<String, String>> FROM_MAP =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private TriggerTraces() {}

  /** The current trace context as a signal's value; empty when there is none. */
  public static byte[] current() {
    Map<String, String> headers = new LinkedHashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
    StringBuilder value = new StringBuilder();
    headers.forEach((key, text) -> value.append(key).append('=').append(text).append('\n'));
    return value.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The context a signal's value carries; the root context for an empty or unreadable one. */
  public static Context parentOf(byte[] value) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : new String(value, StandardCharsets.US_ASCII).split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        headers.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, FROM_MAP);
  }
}
