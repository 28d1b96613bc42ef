package io.marketprism.storage.schema;

import com.google.protobuf.Descriptors.Descriptor;
import io.marketprism.marketdata.v1.DataType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The table of one market-data type: its columns and its protobuf message. Hot rows live in {@link #hotName()},
 * archived rows in {@link #coldName()}; both have the same columns and engine.
 *
 * <p>Every table is a {@code ReplacingMergeTree} partitioned by UTC day of {@code event_time_ns} and ordered by
 * {@code (exchange, symbol, event_time_ns, event_key)}: the natural key, so that a redelivered event replaces its
 * earlier copy and queries reading with {@code FINAL} never see it twice.
 */
public record EventTable(DataType type, String hotName, Descriptor message, List<Column> columns) {

  /** The partition expression: the UTC day of the event as the number YYYYMMDD. */
  public static final String DAY = "toYYYYMMDD(toDateTime(intDiv(event_time_ns, 1000000000), 'UTC'))";

  /** The natural key, also the sort key. */
  public static final String ORDER_BY = "exchange, symbol, event_time_ns, event_key";

  public String coldName() {
    return hotName + "_archive";
  }

  /** {@code CREATE TABLE IF NOT EXISTS db.name (...)}, for the hot or the cold table. */
  public String createStatement(String database, String table) {
    String columnList =
        columns.stream().map(c -> "  " + c.name() + " " + c.kind().sqlType()).collect(Collectors.joining(",\n"));
    return "CREATE TABLE IF NOT EXISTS " + database + "." + table + " (\n" + columnList + "\n)"
        + " ENGINE = ReplacingMergeTree PARTITION BY " + DAY + " ORDER BY (" + ORDER_BY + ")";
  }

  /** The column names, comma-separated, in table order. */
  public String columnList() {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /** {@code INSERT INTO db.table (cols)}, the head of a RowBinary insert. */
  public String insertInto(String database, String table) {
    return "INSERT INTO " + database + "." + table + " (" + columnList() + ")";
  }

  /** The columns' ClickHouse types, in table order. */
  public List<String> columnTypes() {
    return columns.stream().map(c -> c.kind().sqlType()).toList();
  }

  /** {@code INSERT INTO db.table (cols) VALUES (?, ...)}. */
  public String insertStatement(String database, String table) {
    String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    return "INSERT INTO " + database + "." + table + " (" + columnList() + ") VALUES (" + marks + ")";
  }
}
