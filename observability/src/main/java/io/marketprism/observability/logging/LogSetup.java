package io.marketprism.observability.logging;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Process-wide logging settings that are not known when {@code logback.xml} is read.
 *
 * <p>The observability jar ships {@code logback.xml}: JSON lines ({@link JsonLayout}) on stdout, or a human format
 * when {@code MARKETPRISM_LOG_FORMAT=text}; level from {@code MARKETPRISM_LOG_LEVEL} (default {@code INFO}).
 * Services must not ship a {@code logback.xml} of their own; tests may add a {@code logback-test.xml}, which logback
 * prefers.
 */
public final class LogSetup {

  /** The logger-context property {@link JsonLayout} writes as {@code service}. */
  public static final String SERVICE_PROPERTY = "service";

  private LogSetup() {}

  /** Puts {@code serviceName} on every following log line; a no-op when SLF4J is not bound to logback. */
  public static void setServiceName(String serviceName) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.putProperty(SERVICE_PROPERTY, serviceName);
    }
  }
}
