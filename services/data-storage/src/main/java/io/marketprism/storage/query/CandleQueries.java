package io.marketprism.storage.query;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventRows;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.marketprism.storage.v1.Candle;
import io.marketprism.storage.v1.CandleInterval;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * OHLCV candles computed in ClickHouse from stored trades (hot and cold, deduplicated): open and close are the
 * prices of the first and last trade by (exchange time, trade id). Thread-safe.
 */
public final class CandleQueries {

  private final ClickHouse clickHouse;
  private final String database;

  public CandleQueries(ClickHouse clickHouse, String database) {
    this.clickHouse = clickHouse;
    this.database = database;
  }

  /**
   * Candles whose start is in {@code [firstStartNs, endStartNs)} and after {@code afterStartNs} (if present),
   * ascending, at most {@code limit}: the earliest ones. {@code firstStartNs} must be a multiple of the interval.
   *
   * @param nowNs the current time, to mark candles that have not ended as not closed
   */
  public List<Candle> candles(String exchange, String symbol, CandleInterval interval, long intervalNs,
      long firstStartNs, long endStartNs, Optional<Long> afterStartNs, int limit, long nowNs) throws SQLException {
    long from = afterStartNs.map(after -> after + intervalNs).orElse(firstStartNs);
    // trades up to the end of the last candle that starts before endStartNs
    long to = endStartNs == Long.MAX_VALUE ? Long.MAX_VALUE : ceilTo(endStartNs, intervalNs);
    return query(exchange, symbol, interval, intervalNs, from, to, "candle_start", limit, nowNs).stream()
        .filter(candle -> candle.getStartTimeNs() < endStartNs).toList();
  }

  /**
   * The most recent candles: those whose start is before {@code endStartNs} and before {@code beforeStartNs} (if
   * present), the last {@code limit} of them, ascending.
   */
  public List<Candle> newestCandles(String exchange, String symbol, CandleInterval interval, long intervalNs,
      long endStartNs, Optional<Long> beforeStartNs, int limit, long nowNs) throws SQLException {
    // a candle starting before endStartNs holds trades up to the next multiple of the interval; one starting
    // before the cursor (itself a candle start) holds trades before the cursor
    long to = endStartNs == Long.MAX_VALUE ? Long.MAX_VALUE : ceilTo(endStartNs, intervalNs);
    if (beforeStartNs.isPresent()) {
      to = Math.min(to, beforeStartNs.get());
    }
    List<Candle> newestFirst =
        new ArrayList<>(query(exchange, symbol, interval, intervalNs, Long.MIN_VALUE, to, "candle_start DESC", limit,
            nowNs));
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  private List<Candle> query(String exchange, String symbol, CandleInterval interval, long intervalNs, long from,
      long to, String order, int limit, long nowNs) throws SQLException {
    EventTable trades = EventTables.of(DataType.DATA_TYPE_TRADE);
    List<Object> parameters = new ArrayList<>();
    String where = EventQueries.where(exchange, symbol, from, to, Optional.empty(),
        EventQueries.AtCursorTime.AFTER_KEY, parameters);
    List<Object> twice = new ArrayList<>(parameters);
    twice.addAll(parameters);
    String sql = "SELECT intDiv(event_time_ns, " + intervalNs + ") * " + intervalNs + " AS candle_start,"
        + " toString(argMin(price, tuple(event_time_ns, event_key))), toString(max(price)), toString(min(price)),"
        + " toString(argMax(price, tuple(event_time_ns, event_key))), toString(sum(amount)),"
        + " toString(sumIf(amount, side = 1)), count()"
        + " FROM (SELECT * FROM (" + Tiers.union(database, trades, where) + ")"
        + " LIMIT 1 BY event_time_ns, event_key)"
        + " GROUP BY candle_start ORDER BY " + order + " LIMIT " + limit;
    return clickHouse.query(sql, twice, row -> {
      long start = row.getLong(1);
      return Candle.newBuilder()
          .setExchange(exchange)
          .setSymbol(symbol)
          .setInterval(interval)
          .setStartTimeNs(start)
          .setOpen(EventRows.plain(row.getString(2)))
          .setHigh(EventRows.plain(row.getString(3)))
          .setLow(EventRows.plain(row.getString(4)))
          .setClose(EventRows.plain(row.getString(5)))
          .setVolume(EventRows.plain(row.getString(6)))
          .setBuyVolume(EventRows.plain(row.getString(7)))
          .setTradeCount(row.getLong(8))
          .setClosed(start + intervalNs <= nowNs)
          .build();
    });
  }

  private static long ceilTo(long value, long step) {
    long floor = Math.floorDiv(value, step) * step;
    return floor == value ? value : floor + step;
  }
}
