package io.marketprism.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class JsonLayoutTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final SdkTracerProvider tracing =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private Logger logger;

  @BeforeEach
  void setUp() {
    LogSetup.setServiceName("data-storage");
    JsonLayout layout = new JsonLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    logger = context.getLogger("io.marketprism.test");
    logger.setAdditive(false);
    logger.addAppender(appender);
  }

  @AfterEach
  void tearDown() {
    MDC.clear();
    tracing.close();
    logger.detachAppender(appender);
    appender.stop();
  }

  @Test
  void logLineCarriesTheCurrentSpansTraceId() throws IOException {
    Span span = tracing.get("test").spanBuilder("work").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      logger.info("stored {} trades", 42);
    } finally {
      span.end();
    }

    String line = out.toString(StandardCharsets.UTF_8);
    assertThat(line.lines()).hasSize(1);
    JsonNode json = mapper.readTree(line);
    assertThat(json.get("message").asText()).isEqualTo("stored 42 trades");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("io.marketprism.test");
    assertThat(json.get("service").asText()).isEqualTo("data-storage");
    assertThat(json.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(json.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(json.get("trace_id").asText()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(json.get("span_id").asText()).isEqualTo(span.getSpanContext().getSpanId());
  }

  @Test
  void logLineWithoutSpanHasNoTraceId() throws IOException {
    logger.info("idle");

    JsonNode json = mapper.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(json.has("trace_id")).isFalse();
    assertThat(json.has("span_id")).isFalse();
  }

  @Test
  void mdcKeyValuesAndExceptionsBecomeFields() throws IOException {
    MDC.put("request_id", "r-1");
    MDC.put("level", "shadowed");
    logger.atWarn().addKeyValue("exchange", "binance").setCause(new IllegalStateException("boom")).log("failed");

    JsonNode json = mapper.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(json.get("request_id").asText()).isEqualTo("r-1");
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("_level").asText()).isEqualTo("shadowed");
    assertThat(json.get("exchange").asText()).isEqualTo("binance");
    assertThat(json.get("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("at io.marketprism.observability.logging.JsonLayoutTest");
  }
}
