package io.marketprism.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * Lays out a logging event as one JSON object on one line:
 *
 * <pre>{@code
 * {"timestamp":"2024-05-01T12:00:00.123Z","level":"INFO","logger":"io.marketprism.kit.ServiceRunner",
 *  "thread":"main","message":"started","service":"data-storage","trace_id":"4bf9...","span_id":"00f0...",
 *  "request_id":"r-1","exception":"java.io.IOException: ...\n\tat ..."}
 * }</pre>
 *
 * <p>{@code service} is the logger context's {@code service} property ({@link LogSetup#setServiceName}).
 * {@code trace_id} and {@code span_id} are those of the span current on the logging thread, present only when a
 * valid span is current: logging must happen on the thread that runs the traced work, so this layout must not sit
 * behind an {@code AsyncAppender}. MDC entries and SLF4J 2 key-value pairs ({@code log.atInfo().addKeyValue(..)})
 * become top-level fields; one whose name collides with a field above is written with a leading underscore.
 *
 * <p>Thread-safe: it keeps no per-event state.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

  private static final Set<String> RESERVED =
      Set.of("timestamp", "level", "logger", "thread", "message", "service", "trace_id", "span_id", "exception");

  private final JsonFactory json = new JsonFactory();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString());
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      g.writeStringField("message", event.getFormattedMessage());
      String service = event.getLoggerContextVO().getPropertyMap().get(LogSetup.SERVICE_PROPERTY);
      if (service != null) {
        g.writeStringField("service", service);
      }
      SpanContext span = Span.current().getSpanContext();
      if (span.isValid()) {
        g.writeStringField("trace_id", span.getTraceId());
        g.writeStringField("span_id", span.getSpanId());
      }
      for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
        g.writeStringField(fieldName(entry.getKey()), entry.getValue());
      }
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          g.writeStringField(fieldName(pair.key), String.valueOf(pair.value));
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static String fieldName(String key) {
    return RESERVED.contains(key) ? "_" + key : key;
  }
}
