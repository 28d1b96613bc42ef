package io.marketprism.observability.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.LayoutBase;
import java.util.Locale;

/**
 * The layout {@code logback.xml} installs: {@link JsonLayout} for {@code format=json} (the default), a one-line
 * human pattern for {@code format=text}.
 *
 * <p>One appender whose layout switches, rather than two appenders picked by variable, because logback reports an
 * unreferenced appender as a warning and then prints its whole status log on stdout at every start.
 */
public final class FormatSwitchingLayout extends LayoutBase<ILoggingEvent> {

  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n%ex";

  private String format = "json";
  private Layout<ILoggingEvent> delegate;

  /** {@code json} or {@code text}; set from {@code MARKETPRISM_LOG_FORMAT} by {@code logback.xml}. */
  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public void start() {
    String chosen = format == null ? "json" : format.trim().toLowerCase(Locale.ROOT);
    if (chosen.equals("text")) {
      PatternLayout text = new PatternLayout();
      text.setPattern(TEXT_PATTERN);
      delegate = text;
    } else {
      if (!chosen.equals("json")) {
        addError("unknown log format \"" + format + "\" (expected json or text); using json");
      }
      delegate = new JsonLayout();
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return delegate.doLayout(event);
  }
}
