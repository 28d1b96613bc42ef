package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithNats
class PublishTracingTest {

  static NatsServer nats;

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
      .build();
  private Connection connection;
  private BoundedPublisher publisher;

  @BeforeEach
  void start() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    connection = NatsConnections.connect(config, "publish-tracing-test", new PrometheusRegistry());
    DefaultStreams.ensure(connection, config.streams());
    publisher = BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry(),
        new MessagingSpans(sdk));
  }

  @AfterEach
  void stop() throws Exception {
    publisher.close();
    connection.close();
    sdk.close();
  }

  @Test
  void publishInASampledTraceIsAProducerSpanWhoseContextTheMessageCarries() throws Exception {
    Subscription subscription = connection.subscribe("md.trade.binance.TRACED-USDT");
    connection.flush(Duration.ofSeconds(5));
    SpanContext frame = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        TraceFlags.getSampled(), TraceState.getDefault());

    try (Scope ignored = Context.root().with(Span.wrap(frame)).makeCurrent()) {
      assertThat(publisher.publish(TestEvents.trade("TRACED-USDT", 7))).isTrue();
    }

    SpanData publish = exported.getFinishedSpanItems().get(0);
    assertThat(publish.getName()).isEqualTo("publish md.trade");
    assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(publish.getTraceId()).isEqualTo(frame.getTraceId());
    assertThat(publish.getParentSpanId()).isEqualTo(frame.getSpanId());
    assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("nats");
    assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.operation.name"))).isEqualTo("publish");
    assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
        .isEqualTo("md.trade.binance.TRACED-USDT");
    String messageId = MarketDataMessages.of(TestEvents.trade("TRACED-USDT", 7)).messageId();
    assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))).isEqualTo(messageId);

    Message received = subscription.nextMessage(Duration.ofSeconds(5));
    assertThat(received.getHeaders().getFirst(TraceHeaders.TRACEPARENT))
        .isEqualTo("00-" + frame.getTraceId() + "-" + publish.getSpanId() + "-01");
    assertThat(MessagingSpans.publisherOf(received).getSpanId()).isEqualTo(publish.getSpanId());
  }

  @Test
  void publishOutsideATraceMakesNoSpanAndNoTraceparent() throws Exception {
    Subscription subscription = connection.subscribe("md.trade.binance.PLAIN-USDT");
    connection.flush(Duration.ofSeconds(5));

    assertThat(publisher.publish(TestEvents.trade("PLAIN-USDT", 1))).isTrue();

    Message received = subscription.nextMessage(Duration.ofSeconds(5));
    assertThat(received.getHeaders().getFirst(TraceHeaders.TRACEPARENT)).isNull();
    assertThat(MessagingSpans.publisherOf(received).isValid()).isFalse();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void anUnsampledParentIsPassedOnUnsampledWithoutASpan() throws Exception {
    Subscription subscription = connection.subscribe("md.trade.binance.DROPPED-USDT");
    connection.flush(Duration.ofSeconds(5));
    SpanContext unsampled = SpanContext.create("0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203332",
        TraceFlags.getDefault(), TraceState.getDefault());

    try (Scope ignored = Context.root().with(Span.wrap(unsampled)).makeCurrent()) {
      assertThat(publisher.publish(TestEvents.trade("DROPPED-USDT", 1))).isTrue();
    }

    Message received = subscription.nextMessage(Duration.ofSeconds(5));
    assertThat(received.getHeaders().getFirst(TraceHeaders.TRACEPARENT)).endsWith("-00");
    assertThat(MessagingSpans.publisherOf(received).isValid()).as("consumers follow the decision").isFalse();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }
}
