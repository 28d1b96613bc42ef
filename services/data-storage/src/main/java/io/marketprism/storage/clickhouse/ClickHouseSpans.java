package io.marketprism.storage.clickhouse;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code CLIENT} span of one ClickHouse statement, named and attributed after OpenTelemetry's database semantic
 * conventions: name and {@code db.query.summary} {@code <operation> <table>} (e.g. {@code SELECT
 * marketprism.trades_hot}), {@code db.system}/{@code db.system.name} {@code clickhouse}, {@code db.operation.name},
 * {@code db.collection.name}, {@code db.namespace}, the statement's text (parameterized: values are bound apart,
 * never in it) and the server's address.
 *
 * <p>A statement is traced only inside a sampled span (a storage RPC, an ingest batch of traced messages): a
 * statement on its own (health probes, the archiver) would be a one-span trace of no use, and the check costs
 * nothing. Thread-safe.
 */
final class ClickHouseSpans {

  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> DB_SUMMARY = AttributeKey.stringKey("db.query.summary");
  static final AttributeKey<String> DB_TEXT = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<Long> DB_BATCH_SIZE = AttributeKey.longKey("db.operation.batch.size");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  private static final String CLICKHOUSE = "clickhouse";
  /** The first table a statement reads or writes: what the span is about. */
  private static final Pattern TABLE = Pattern.compile("(?i)\\b(?:FROM|INTO|TABLE)\\s+([A-Za-z0-9_.]+)");
  /** Statement texts are cut here: an insert's text is short, but a query's WHERE can grow with its filters. */
  private static final int MAX_TEXT = 2_000;

  private final Tracer tracer;
  private final String host;
  private final long port;
  private final String namespace;

  /** @param url the driver's {@code jdbc:clickhouse://host:port/database?...} URL */
  ClickHouseSpans(OpenTelemetry openTelemetry, String url) {
    this.tracer = openTelemetry.getTracer("io.marketprism.storage.clickhouse");
    URI server = URI.create(url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
    this.host = server.getHost() == null ? "" : server.getHost();
    this.port = server.getPort();
    String path = server.getPath() == null ? "" : server.getPath();
    this.namespace = path.startsWith("/") ? path.substring(1) : path;
  }

  /**
   * Starts the span of running {@code sql} as a child of the current span, or returns null when the current span is
   * not sampled (then nothing is traced).
   */
  Span start(String sql) {
    if (!Span.current().getSpanContext().isSampled()) {
      return null;
    }
    String operation = operation(sql);
    String table = table(sql);
    String summary = table.isEmpty() ? operation : operation + " " + table;
    var span = tracer.spanBuilder(summary)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DB_SYSTEM, CLICKHOUSE)
        .setAttribute(DB_SYSTEM_NAME, CLICKHOUSE)
        .setAttribute(DB_OPERATION, operation)
        .setAttribute(DB_SUMMARY, summary)
        .setAttribute(DB_TEXT, sql.length() > MAX_TEXT ? sql.substring(0, MAX_TEXT) : sql)
        .setAttribute(SERVER_ADDRESS, host);
    if (!table.isEmpty()) {
      span.setAttribute(DB_COLLECTION, table);
    }
    if (!namespace.isEmpty()) {
      span.setAttribute(DB_NAMESPACE, namespace);
    }
    if (port > 0) {
      span.setAttribute(SERVER_PORT, port);
    }
    return span.startSpan();
  }

  /** {@code SELECT}, {@code INSERT}, ...: the statement's first word. */
  static String operation(String sql) {
    String trimmed = sql.stripLeading();
    int end = 0;
    while (end < trimmed.length() && Character.isLetter(trimmed.charAt(end))) {
      end++;
    }
    return trimmed.substring(0, end).toUpperCase(Locale.ROOT);
  }

  /** The first table named after FROM, INTO or TABLE; empty if none (e.g. {@code SELECT 1}). */
  static String table(String sql) {
    Matcher matcher = TABLE.matcher(sql);
    return matcher.find() ? matcher.group(1) : "";
  }
}
