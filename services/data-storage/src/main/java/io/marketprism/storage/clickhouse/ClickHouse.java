package io.marketprism.storage.clickhouse;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import ru.yandex.clickhouse.ClickHouseDataSource;
import ru.yandex.clickhouse.ClickHouseStatement;
import ru.yandex.clickhouse.domain.ClickHouseFormat;
import ru.yandex.clickhouse.util.ClickHouseRowBinaryStream;
import ru.yandex.clickhouse.settings.ClickHouseProperties;

/**
 * The one class that knows the ClickHouse driver: statements, parameterized queries and batch inserts over JDBC.
 * Everything else speaks SQL through it, so moving to another driver (a newer server can use
 * {@code com.clickhouse:clickhouse-jdbc}) touches only this file.
 *
 * <p>Uses {@code ru.yandex.clickhouse:clickhouse-jdbc} 0.3.1-patch over HTTP, the newest driver that works with
 * Debian's ClickHouse 18.16. Each call opens a JDBC connection, which is cheap (HTTP with a pooled client).
 * Inside a sampled trace each statement is a {@code CLIENT} span (see {@link ClickHouseSpans}). Thread-safe.
 */
public final class ClickHouse {

  private final ClickHouseDataSource dataSource;
  private final ClickHouseSpans spans;

  /** A call to the driver, run inside the statement's span. */
  @FunctionalInterface
  private interface DriverCall<T> {
    T run() throws SQLException;
  }

  /** Maps one result row; columns are read by position. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  /**
   * @param url {@code jdbc:clickhouse://host:port/database?compress=false}
   * @param queryTimeout the socket timeout of one statement
   */
  public ClickHouse(String url, Duration queryTimeout) {
    this(url, queryTimeout, OpenTelemetry.noop());
  }

  /**
   * @param url {@code jdbc:clickhouse://host:port/database?compress=false}
   * @param queryTimeout the socket timeout of one statement
   * @param openTelemetry where statements run inside a sampled trace record their spans
   */
  public ClickHouse(String url, Duration queryTimeout, OpenTelemetry openTelemetry) {
    this.spans = new ClickHouseSpans(openTelemetry, url);
    Properties properties = new Properties();
    properties.setProperty("compress", "false");
    ClickHouseProperties settings = new ClickHouseProperties(properties);
    settings.setSocketTimeout((int) queryTimeout.toMillis());
    settings.setConnectionTimeout(5_000);
    this.dataSource = new ClickHouseDataSource(url, settings);
  }

  /** Runs one statement that returns nothing (DDL, ALTER, OPTIMIZE, INSERT … SELECT). */
  public void execute(String sql) throws SQLException {
    traced(sql, -1, () -> {
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
      return null;
    });
  }

  /** Runs a query with {@code ?} parameters bound in order and maps every row. */
  public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> mapper) throws SQLException {
    return traced(sql, -1, () -> runQuery(sql, parameters, mapper));
  }

  private <T> List<T> runQuery(String sql, List<?> parameters, RowMapper<T> mapper) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(mapper.map(result));
        }
      }
      return rows;
    }
  }

  /** A query's single {@code long} (a count, a max). */
  public long queryLong(String sql, List<?> parameters) throws SQLException {
    List<Long> values = query(sql, parameters, row -> row.getLong(1));
    return values.isEmpty() ? 0 : values.get(0);
  }

  /**
   * Inserts rows in one request: {@code INSERT INTO t (a, b) VALUES (?, ?)} with one {@code Object[]} per row, as
   * {@link PreparedStatement#setObject} takes them ({@code BigDecimal}, {@code Long}, {@code String}, arrays, null).
   * The whole batch is one HTTP request, so it is stored entirely or (on error) not acknowledged.
   */
  public void insert(String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    traced(sql, rows.size(), () -> {
      insertBatch(sql, rows);
      return null;
    });
  }

  private void insertBatch(String sql, List<Object[]> rows) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          statement.setObject(i + 1, row[i]);
        }
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /**
   * Inserts rows in one request in ClickHouse's RowBinary format, which costs the client and the server much less
   * than {@link #insert}'s text batches. {@code insertInto} is {@code INSERT INTO t (a, b)} (no VALUES); {@code
   * columnTypes} are the columns' ClickHouse types in that order, each one of: {@code String}, {@code Int8}, {@code
   * Int32}, {@code Int64}, {@code Decimal(38, 18)}, {@code Array(Decimal(38, 18))}, or {@code Nullable(…)} of a
   * scalar among them. Values are as for {@link #insert} ({@code Byte} for Int8, {@code BigDecimal[]} for arrays).
   */
  public void insertRowBinary(String insertInto, List<String> columnTypes, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    BinaryType[] types = columnTypes.stream().map(BinaryType::of).toArray(BinaryType[]::new);
    traced(insertInto, rows.size(), () -> {
      try (Connection connection = dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        statement.unwrap(ClickHouseStatement.class).write().send(insertInto, stream -> {
          for (Object[] row : rows) {
            for (int i = 0; i < types.length; i++) {
              types[i].write(stream, row[i]);
            }
          }
        }, ClickHouseFormat.RowBinary);
      }
      return null;
    });
  }

  /** Runs {@code call} inside the span of {@code sql} when the caller is traced; {@code batchSize} -1 for none. */
  private <T> T traced(String sql, int batchSize, DriverCall<T> call) throws SQLException {
    Span span = spans.start(sql);
    if (span == null) {
      return call.run();
    }
    if (batchSize >= 0) {
      span.setAttribute(ClickHouseSpans.DB_BATCH_SIZE, (long) batchSize);
    }
    try (Scope ignored = span.makeCurrent()) {
      return call.run();
    } catch (SQLException | RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  /** The column types {@link #insertRowBinary} writes. */
  private record BinaryType(boolean nullable, Scalar scalar, boolean array) {

    enum Scalar { STRING, INT8, INT32, INT64, DECIMAL_38_18 }

    static BinaryType of(String sqlType) {
      String type = sqlType.replace(" ", "");
      boolean nullable = type.startsWith("Nullable(");
      if (nullable) {
        type = type.substring("Nullable(".length(), type.length() - 1);
      }
      boolean array = type.startsWith("Array(");
      if (array) {
        type = type.substring("Array(".length(), type.length() - 1);
      }
      Scalar scalar = switch (type) {
        case "String" -> Scalar.STRING;
        case "Int8" -> Scalar.INT8;
        case "Int32" -> Scalar.INT32;
        case "Int64" -> Scalar.INT64;
        case "Decimal(38,18)" -> Scalar.DECIMAL_38_18;
        default -> throw new IllegalArgumentException("RowBinary insert does not support " + sqlType);
      };
      return new BinaryType(nullable, scalar, array);
    }

    void write(ClickHouseRowBinaryStream stream, Object value) throws IOException {
      if (nullable) {
        stream.markNextNullable(value == null);
        if (value == null) {
          return;
        }
      }
      if (array) {
        Object[] values = (Object[]) value;
        stream.writeUnsignedLeb128(values.length);
        for (Object element : values) {
          writeScalar(stream, element);
        }
      } else {
        writeScalar(stream, value);
      }
    }

    private void writeScalar(ClickHouseRowBinaryStream stream, Object value) throws IOException {
      switch (scalar) {
        case STRING -> stream.writeString((String) value);
        case INT8 -> stream.writeInt8(((Number) value).byteValue());
        case INT32 -> stream.writeInt32(((Number) value).intValue());
        case INT64 -> stream.writeInt64(((Number) value).longValue());
        case DECIMAL_38_18 -> stream.writeDecimal128((BigDecimal) value, 18);
      }
    }
  }

  /** True if the server answers a trivial query now. */
  public boolean isReachable() {
    try {
      return queryLong("SELECT 1", List.of()) == 1;
    } catch (SQLException e) {
      return false;
    }
  }
}
