package io.marketprism.storage.query;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.marketprism.storage.v1.PartitionResult;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves whole UTC days from hot to cold tables and drops cold days past retention.
 *
 * <p>Archiving a day is {@code INSERT INTO cold SELECT … FROM hot WHERE day = D}, then {@code ALTER TABLE hot DROP
 * PARTITION D}. A crash between the two leaves the day in both tiers: reads deduplicate across tiers, and the next
 * run copies it again (the cold ReplacingMergeTree collapses the copies) and drops it. So every run is resumable and
 * never loses or duplicates rows. Runs are serialized by one lock (archive and purge alike): a second run fails with
 * {@link BusyException} ({@code ABORTED} over gRPC) unless it asked to wait. Runs on two storage replicas at once are
 * safe without a lock: each copy is collapsed by the cold table's key and each drop is idempotent.
 *
 * <p>Thread-safe.
 */
public final class Archiver {

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final long DAY_NS = TimeUnit.DAYS.toNanos(1);

  private final ClickHouse clickHouse;
  private final String database;
  private final ReentrantLock lock;

  public Archiver(ClickHouse clickHouse, String database) {
    this(clickHouse, database, new ReentrantLock());
  }

  /** @param runs serializes this process's archive and purge runs; a caller holding it makes runs wait or fail */
  Archiver(ClickHouse clickHouse, String database, ReentrantLock runs) {
    this.clickHouse = clickHouse;
    this.database = database;
    this.lock = runs;
  }

  /** Another run holds the lock. */
  public static final class BusyException extends Exception {
    BusyException() {
      super("another archive or purge run is in progress");
    }
  }

  /** Hot data older than a purge cutoff exists. */
  public static final class HotDataRemainsException extends Exception {
    HotDataRemainsException(String message) {
      super(message);
    }
  }

  /** What an archive call did. */
  public record ArchiveOutcome(long movedRows, List<PartitionResult> partitions, int remaining) {}

  /** What a purge call did. */
  public record PurgeOutcome(long droppedRows, List<PartitionResult> partitions) {}

  /**
   * Archives days that end at or before {@code cutoffNs}, oldest first, at most {@code maxPartitions} (0 = all).
   *
   * @param wait wait for a concurrent run instead of failing
   */
  public ArchiveOutcome archive(long cutoffNs, Collection<DataType> types, int maxPartitions, boolean dryRun,
      boolean wait) throws SQLException, BusyException, InterruptedException {
    lock(wait);
    try {
      List<PartitionResult> done = new ArrayList<>();
      long moved = 0;
      int remaining = 0;
      for (EventTable table : tables(types)) {
        for (String day : daysEndingBy(table.hotName(), cutoffNs)) {
          if (maxPartitions > 0 && done.size() >= maxPartitions) {
            remaining++;
            continue;
          }
          long rows = clickHouse.queryLong("SELECT count() FROM " + database + "." + table.hotName()
              + " FINAL WHERE " + EventTable.DAY + " = " + day, List.of());
          if (!dryRun) {
            clickHouse.execute("INSERT INTO " + database + "." + table.coldName() + " SELECT * FROM " + database + "."
                + table.hotName() + " WHERE " + EventTable.DAY + " = " + day);
            clickHouse.execute("ALTER TABLE " + database + "." + table.hotName() + " DROP PARTITION " + day);
          } else {
            remaining++;
          }
          moved += rows;
          done.add(PartitionResult.newBuilder().setTable(table.hotName()).setDay(day).setRows(rows).build());
        }
      }
      return new ArchiveOutcome(moved, done, remaining);
    } finally {
      lock.unlock();
    }
  }

  /** Drops cold days that end at or before {@code cutoffNs}. */
  public PurgeOutcome purge(long cutoffNs, Collection<DataType> types, boolean dryRun, boolean wait)
      throws SQLException, BusyException, InterruptedException, HotDataRemainsException {
    lock(wait);
    try {
      for (EventTable table : tables(types)) {
        List<String> hotDays = daysEndingBy(table.hotName(), cutoffNs);
        if (!hotDays.isEmpty()) {
          throw new HotDataRemainsException(table.hotName() + " still holds day " + hotDays.get(0)
              + " older than the cutoff: archive it first");
        }
      }
      List<PartitionResult> dropped = new ArrayList<>();
      long rows = 0;
      for (EventTable table : tables(types)) {
        for (String day : daysEndingBy(table.coldName(), cutoffNs)) {
          long count = clickHouse.queryLong("SELECT count() FROM " + database + "." + table.coldName()
              + " FINAL WHERE " + EventTable.DAY + " = " + day, List.of());
          if (!dryRun) {
            clickHouse.execute("ALTER TABLE " + database + "." + table.coldName() + " DROP PARTITION " + day);
          }
          rows += count;
          dropped.add(PartitionResult.newBuilder().setTable(table.coldName()).setDay(day).setRows(count).build());
        }
      }
      return new PurgeOutcome(rows, dropped);
    } finally {
      lock.unlock();
    }
  }

  private void lock(boolean wait) throws BusyException, InterruptedException {
    if (wait) {
      lock.lockInterruptibly();
    } else if (!lock.tryLock()) {
      throw new BusyException();
    }
  }

  private static List<EventTable> tables(Collection<DataType> types) {
    return EventTables.all().stream().filter(t -> types.isEmpty() || types.contains(t.type())).toList();
  }

  /** The table's day partitions (YYYYMMDD) whose day ends at or before {@code cutoffNs}, oldest first. */
  private List<String> daysEndingBy(String table, long cutoffNs) throws SQLException {
    List<String> days = clickHouse.query("SELECT DISTINCT partition FROM system.parts"
        + " WHERE database = ? AND table = ? AND active ORDER BY partition", List.of(database, table),
        row -> row.getString(1));
    return days.stream().filter(day -> dayEndNs(day) <= cutoffNs).toList();
  }

  static long dayEndNs(String day) {
    long startSeconds = LocalDate.parse(day, DAY).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    return TimeUnit.SECONDS.toNanos(startSeconds) + DAY_NS;
  }
}
