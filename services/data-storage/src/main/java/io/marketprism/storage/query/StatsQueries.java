package io.marketprism.storage.query;

import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.marketprism.storage.v1.TableStats;
import io.marketprism.storage.v1.Tier;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/** Size and freshness of every event table, from {@code system.parts} and min/max of event time. Thread-safe. */
public final class StatsQueries {

  private final ClickHouse clickHouse;
  private final String database;

  public StatsQueries(ClickHouse clickHouse, String database) {
    this.clickHouse = clickHouse;
    this.database = database;
  }

  private record PartStats(long rows, long bytes, int partitions) {}

  /**
   * One entry per table, ordered by (data type, tier).
   *
   * @param lag the consumer lag of a hot table's type, if known
   */
  public List<TableStats> tables(Function<EventTable, OptionalLong> lag) throws SQLException {
    Map<String, PartStats> parts = new HashMap<>();
    clickHouse.query("SELECT table, sum(rows), sum(bytes_on_disk), uniqExact(partition) FROM system.parts"
            + " WHERE database = ? AND active GROUP BY table", List.of(database),
        row -> parts.put(row.getString(1), new PartStats(row.getLong(2), row.getLong(3), row.getInt(4))));
    List<TableStats> stats = new ArrayList<>();
    for (EventTable table : EventTables.all()) {
      stats.add(stats(table, table.hotName(), Tier.TIER_HOT, parts, lag.apply(table)));
      stats.add(stats(table, table.coldName(), Tier.TIER_COLD, parts, OptionalLong.empty()));
    }
    return stats;
  }

  private TableStats stats(EventTable table, String name, Tier tier, Map<String, PartStats> parts,
      OptionalLong lag) throws SQLException {
    PartStats part = parts.getOrDefault(name, new PartStats(0, 0, 0));
    TableStats.Builder builder = TableStats.newBuilder()
        .setTable(name)
        .setDataType(table.type())
        .setTier(tier)
        .setRows(part.rows())
        .setBytesOnDisk(part.bytes())
        .setPartitions(part.partitions());
    if (part.rows() > 0) {
      clickHouse.query("SELECT min(event_time_ns), max(event_time_ns) FROM " + database + "." + name, List.of(),
          row -> builder.setOldestEventTimeNs(row.getLong(1)).setNewestEventTimeNs(row.getLong(2)));
    }
    lag.ifPresent(builder::setConsumerLag);
    return builder.build();
  }
}
