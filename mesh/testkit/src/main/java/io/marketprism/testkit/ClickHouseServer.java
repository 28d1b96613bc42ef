package io.marketprism.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A running {@code clickhouse-server} (127.0.0.1 only, user {@code default} without password)
 * shared by every test in the JVM. Tables outlive a test class: create a database or tables with
 * names of your own.
 *
 * @param httpPort the HTTP interface's port (what the JDBC driver uses)
 * @param tcpPort the native protocol's port ({@code clickhouse-client --port})
 */
public record ClickHouseServer(int httpPort, int tcpPort) {

  /** The HTTP base URL, {@code http://127.0.0.1:<http port>}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * {@code jdbc:clickhouse://127.0.0.1:<http port>/default?compress=false}, as MarketPrism services
   * use.
   */
  public String jdbcUrl() {
    return jdbcUrl("default");
  }

  /** The JDBC URL of another database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:clickhouse://127.0.0.1:" + httpPort + "/" + database + "?compress=false";
  }

  /**
   * Runs one SQL statement over HTTP and returns the server's answer as text (for a {@code SELECT},
   * one row per line, tab-separated).
   *
   * @throws IllegalStateException with ClickHouse's error text when the statement fails
   */
  public String query(String sql) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) URI.create(httpUrl() + "/").toURL().openConnection();
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(60_000);
      try (OutputStream body = connection.getOutputStream()) {
        body.write(sql.getBytes(StandardCharsets.UTF_8));
      }
      int status = connection.getResponseCode();
      try (InputStream answer =
          status == 200 ? connection.getInputStream() : connection.getErrorStream()) {
        String text =
            answer == null ? "" : new String(answer.readAllBytes(), StandardCharsets.UTF_8);
        if (status != 200) {
          throw new IllegalStateException(
              "ClickHouse rejected `" + sql + "` (HTTP " + status + "): " + text.strip());
        }
        return text;
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not reach ClickHouse at " + httpUrl() + ": " + e.getMessage(), e);
    } finally {
      if (connection != null) {
        // Closing instead of pooling: an idle keep-alive connection makes ClickHouse's shutdown
        // wait.
        connection.disconnect();
      }
    }
  }
}
