package io.marketprism.messaging;

import io.marketprism.marketdata.v1.DataType;
import io.nats.client.Message;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.EnumMap;
import java.util.Map;

/**
 * The spans of market data on NATS, named and attributed after OpenTelemetry's messaging semantic conventions: a
 * {@code PRODUCER} span per publish ({@code publish md.<type>}) whose context travels in the message's
 * {@code traceparent} header, and a {@code CONSUMER} span per processed message ({@code process md.<type>}), child of
 * that context, so a trade's publish and its consumption are one trace.
 *
 * <p>Only traced work pays: a publish outside a sampled trace, or a message whose {@code traceparent} is absent or not
 * sampled, gets no span at all (a header lookup, no allocation). Sampling is decided where a trace starts (the
 * collector's frames, the gateway's requests) and followed here, parent-based.
 *
 * <p>The destination in a span's name is the subject's template ({@code md.trade}), not the full subject: span names
 * must stay few. The full subject is {@code messaging.destination.name}. Thread-safe.
 */
public final class MessagingSpans {

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> DESTINATION_TEMPLATE = AttributeKey.stringKey("messaging.destination.template");
  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

  private static final String NATS = "nats";
  private static final String SCOPE = "io.marketprism.messaging";

  /** {@code md.<type>} per data type, made once: a span name is built per traced message. */
  private static final Map<DataType, String> TEMPLATES = new EnumMap<>(DataType.class);

  static {
    for (DataType type : DataType.values()) {
      if (type != DataType.DATA_TYPE_UNSPECIFIED && type != DataType.UNRECOGNIZED) {
        TEMPLATES.put(type, "md." + MarketDataSubjects.typeToken(type));
      }
    }
  }

  private final Tracer tracer;

  public MessagingSpans(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
  }

  /** Spans that are never recorded: for code run without telemetry (tools, benchmarks of other paths). */
  public static MessagingSpans none() {
    return new MessagingSpans(OpenTelemetry.noop());
  }

  /** Whether a publish in {@code context} is traced: its span is sampled. */
  public static boolean traced(Context context) {
    return Span.fromContext(context).getSpanContext().isSampled();
  }

  /**
   * Starts the {@code PRODUCER} span of publishing {@code message}; the caller ends it once the message is handed
   * over. Call only when {@link #traced} is true for {@code parent}. The message's headers must be written with the
   * returned span's context (see {@link MarketDataMessages#of(io.marketprism.marketdata.v1.MarketEvent, Context)}).
   */
  public Span startPublish(DataType type, Context parent) {
    String template = TEMPLATES.getOrDefault(type, "md");
    return tracer.spanBuilder("publish " + template)
        .setParent(parent)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(SYSTEM, NATS)
        .setAttribute(DESTINATION_TEMPLATE, template)
        .setAttribute(OPERATION_NAME, "publish")
        .setAttribute(OPERATION_TYPE, "send")
        .startSpan();
  }

  /** Adds what is known once the message is built: its subject, id and size. */
  public static void describe(Span publish, OutgoingMessage message) {
    publish.setAttribute(DESTINATION, message.subject());
    publish.setAttribute(MESSAGE_ID, message.messageId());
    publish.setAttribute(BODY_SIZE, (long) message.payload().length);
  }

  /** Marks a publish span whose message was refused (shed by a full buffer). */
  public static void shed(Span publish) {
    publish.setStatus(StatusCode.ERROR, "shed: publish buffer full");
  }

  /**
   * The publisher's sampled span context carried by {@code message}'s {@code traceparent}, or an invalid context when
   * the message is not traced (no header, or not sampled): the one check a consumer makes per message.
   */
  public static SpanContext publisherOf(Message message) {
    if (!message.hasHeaders() || message.getHeaders().getFirst(TraceHeaders.TRACEPARENT) == null) {
      return SpanContext.getInvalid();
    }
    SpanContext publisher = Span.fromContext(TraceHeaders.extract(message.getHeaders())).getSpanContext();
    return publisher.isSampled() ? publisher : SpanContext.getInvalid();
  }

  /**
   * Starts the {@code CONSUMER} span of processing {@code message} (of data type {@code type}) as a child of its
   * publisher's span; {@code publisher} is {@link #publisherOf}'s valid answer. The caller ends it when the message is
   * settled (stored and acked).
   *
   * @param consumerGroup the durable consumer that delivered it
   */
  public Span startProcess(DataType type, Message message, SpanContext publisher, String consumerGroup) {
    String template = TEMPLATES.getOrDefault(type, "md");
    Span span = tracer.spanBuilder("process " + template)
        .setParent(Context.root().with(Span.wrap(publisher)))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, NATS)
        .setAttribute(DESTINATION, message.getSubject())
        .setAttribute(DESTINATION_TEMPLATE, template)
        .setAttribute(OPERATION_NAME, "process")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(CONSUMER_GROUP, consumerGroup)
        .startSpan();
    String messageId = message.getHeaders().getFirst(MarketDataMessages.MSG_ID);
    if (messageId != null) {
      span.setAttribute(MESSAGE_ID, messageId);
    }
    byte[] data = message.getData();
    span.setAttribute(BODY_SIZE, data == null ? 0L : data.length);
    return span;
  }
}
