package io.marketprism.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FormatSwitchingLayoutTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @Test
  void jsonIsTheDefaultFormat() {
    assertThat(render(null)).startsWith("{\"timestamp\":").contains("\"message\":\"hello\"");
  }

  @Test
  void textFormatIsOneHumanLine() {
    assertThat(render("text")).contains("INFO  [main] io.marketprism.format - hello").doesNotContain("{");
  }

  @Test
  void unknownFormatFallsBackToJson() {
    assertThat(render("xml")).startsWith("{\"timestamp\":");
  }

  private String render(String format) {
    FormatSwitchingLayout layout = new FormatSwitchingLayout();
    layout.setContext(context);
    if (format != null) {
      layout.setFormat(format);
    }
    layout.start();
    LoggingEvent event =
        new LoggingEvent("test", context.getLogger("io.marketprism.format"), Level.INFO, "hello", null, null);
    event.setThreadName("main");
    return layout.doLayout(event);
  }
}
