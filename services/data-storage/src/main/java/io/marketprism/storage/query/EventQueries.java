package io.marketprism.storage.query;

import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventRows;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads stored events. Every read spans the hot and the cold table of its type and deduplicates: each table is read
 * with {@code FINAL} (collapsing redelivered copies) and the union with {@code LIMIT 1 BY} the natural key (a day
 * that an interrupted archive run left in both tiers). Thread-safe (stateless over a thread-safe {@link ClickHouse}).
 */
public final class EventQueries {

  private final ClickHouse clickHouse;
  private final String database;

  public EventQueries(ClickHouse clickHouse, String database) {
    this.clickHouse = clickHouse;
    this.database = database;
  }

  /** A position in (event time, natural key) order: read rows strictly after it. */
  public record Cursor(long timeNs, String key) {}

  /** Which rows at a cursor's time a read includes. */
  public enum AtCursorTime {
    /** Rows after the cursor's key (the cursor is in this type's order). */
    AFTER_KEY,
    /** Every row at the cursor's time (this type sorts after the cursor's type). */
    ALL,
    /** No row at the cursor's time (this type sorts before the cursor's type). */
    NONE,
    /** Rows before the cursor (reading backward from it, newest first). */
    BEFORE_KEY
  }

  /**
   * Trades of one instrument with {@code startNs <= time < endNs} ({@code endNs} = {@link Long#MAX_VALUE} for no
   * bound) after {@code after}, ordered by (exchange time, trade id), at most {@code limit}.
   */
  public List<Trade> trades(String exchange, String symbol, long startNs, long endNs, Optional<Cursor> after, int limit)
      throws SQLException {
    List<MarketEvent> events = read(EventTables.of(DataType.DATA_TYPE_TRADE), exchange, symbol, startNs, endNs, after,
        limit, true);
    List<Trade> trades = new ArrayList<>(events.size());
    events.forEach(event -> trades.add(event.getTrade()));
    return trades;
  }

  /**
   * The most recent trades of one instrument with {@code time < endNs} ({@link Long#MAX_VALUE} for no bound) before
   * {@code before}: the last {@code limit} in (exchange time, trade id) order, returned in that order (ascending).
   */
  public List<Trade> newestTrades(String exchange, String symbol, long endNs, Optional<Cursor> before, int limit)
      throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String where = where(exchange, symbol, Long.MIN_VALUE, endNs, before, AtCursorTime.BEFORE_KEY, parameters);
    List<MarketEvent> newestFirst = select(EventTables.of(DataType.DATA_TYPE_TRADE), where, parameters,
        "event_time_ns DESC, event_key DESC", limit);
    List<Trade> trades = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      trades.add(newestFirst.get(i).getTrade());
    }
    return trades;
  }

  /** The ticker with the greatest event time. */
  public Optional<Ticker> latestTicker(String exchange, String symbol) throws SQLException {
    List<MarketEvent> events = read(EventTables.of(DataType.DATA_TYPE_TICKER), exchange, symbol, Long.MIN_VALUE,
        Long.MAX_VALUE, Optional.empty(), 1, false);
    return events.stream().findFirst().map(MarketEvent::getTicker);
  }

  /** The latest snapshot with event time {@code <= timeNs}, truncated to {@code depth} levels a side (0 = all). */
  public Optional<BookSnapshot> bookSnapshotAt(String exchange, String symbol, long timeNs, int depth)
      throws SQLException {
    long end = timeNs == Long.MAX_VALUE ? Long.MAX_VALUE : timeNs + 1;
    List<MarketEvent> events = read(EventTables.of(DataType.DATA_TYPE_BOOK_SNAPSHOT), exchange, symbol,
        Long.MIN_VALUE, end, Optional.empty(), 1, false);
    return events.stream().findFirst().map(event -> truncate(event.getBookSnapshot(), depth));
  }

  /**
   * Events of one type in (event time, natural key) order after {@code after}, for replay: {@code startNs <= time <
   * endNs}.
   */
  public List<MarketEvent> events(DataType type, String exchange, String symbol, long startNs, long endNs,
      Optional<Cursor> after, AtCursorTime atCursorTime, int limit) throws SQLException {
    EventTable table = EventTables.of(type);
    List<Object> parameters = new ArrayList<>();
    String where = where(exchange, symbol, startNs, endNs, after, atCursorTime, parameters);
    return select(table, where, parameters, "event_time_ns, event_key", limit);
  }

  private List<MarketEvent> read(EventTable table, String exchange, String symbol, long startNs, long endNs,
      Optional<Cursor> after, int limit, boolean ascending) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String where = where(exchange, symbol, startNs, endNs, after, AtCursorTime.AFTER_KEY, parameters);
    String order = ascending ? "event_time_ns, event_key" : "event_time_ns DESC, event_key DESC";
    return select(table, where, parameters, order, limit);
  }

  private List<MarketEvent> select(EventTable table, String where, List<Object> parameters, String order, int limit)
      throws SQLException {
    List<Object> twice = new ArrayList<>(parameters);
    twice.addAll(parameters);
    String sql = "SELECT " + EventRows.selectList(table) + " FROM (" + Tiers.union(database, table, where) + ")"
        + " ORDER BY " + order + " LIMIT 1 BY event_time_ns, event_key LIMIT " + limit;
    return clickHouse.query(sql, twice, row -> EventRows.fromRow(table, row));
  }

  /** The WHERE clause of one instrument, time range and cursor; appends its parameters. */
  static String where(String exchange, String symbol, long startNs, long endNs, Optional<Cursor> after,
      AtCursorTime atCursorTime, List<Object> parameters) {
    StringBuilder where = new StringBuilder("exchange = ? AND symbol = ?");
    parameters.add(exchange);
    parameters.add(symbol);
    if (startNs != Long.MIN_VALUE) {
      where.append(" AND event_time_ns >= ?");
      parameters.add(startNs);
    }
    if (endNs != Long.MAX_VALUE) {
      where.append(" AND event_time_ns < ?");
      parameters.add(endNs);
    }
    if (after.isPresent()) {
      Cursor cursor = after.get();
      switch (atCursorTime) {
        case ALL -> {
          where.append(" AND event_time_ns >= ?");
          parameters.add(cursor.timeNs());
        }
        case NONE -> {
          where.append(" AND event_time_ns > ?");
          parameters.add(cursor.timeNs());
        }
        case AFTER_KEY -> {
          where.append(" AND (event_time_ns > ? OR (event_time_ns = ? AND event_key > ?))");
          parameters.add(cursor.timeNs());
          parameters.add(cursor.timeNs());
          parameters.add(cursor.key());
        }
        case BEFORE_KEY -> {
          where.append(" AND (event_time_ns < ? OR (event_time_ns = ? AND event_key < ?))");
          parameters.add(cursor.timeNs());
          parameters.add(cursor.timeNs());
          parameters.add(cursor.key());
        }
      }
    }
    return where.toString();
  }

  private static BookSnapshot truncate(BookSnapshot snapshot, int depth) {
    if (depth <= 0 || (snapshot.getBidsCount() <= depth && snapshot.getAsksCount() <= depth)) {
      return snapshot;
    }
    List<Level> bids = snapshot.getBidsList().subList(0, Math.min(depth, snapshot.getBidsCount()));
    List<Level> asks = snapshot.getAsksList().subList(0, Math.min(depth, snapshot.getAsksCount()));
    return snapshot.toBuilder().clearBids().addAllBids(bids).clearAsks().addAllAsks(asks).build();
  }
}
