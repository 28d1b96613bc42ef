package io.marketprism.storage.schema;

import io.marketprism.storage.clickhouse.ClickHouse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start-up in version order. Applied versions are recorded in
 * {@code <database>.schema_migrations}; each migration's statements are idempotent ({@code IF NOT EXISTS}), so a
 * crash between running a migration and recording it only repeats harmless work. Never edit a released migration:
 * add the next version.
 *
 * <p>The service creates its database itself (default {@code marketprism}) on the server the JDBC URL names,
 * whatever database that URL selects; all SQL names tables as {@code database.table}.
 */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** One schema version. */
  public record Migration(int version, String description, List<String> statements) {}

  private Migrations() {}

  /** Every migration of the single-server layout, oldest first. */
  public static List<Migration> all(String database) {
    return all(database, TableLayout.singleNode());
  }

  /** Every migration of {@code layout}, oldest first. */
  public static List<Migration> all(String database, TableLayout layout) {
    List<String> hot = new ArrayList<>();
    List<String> cold = new ArrayList<>();
    for (EventTable table : EventTables.all()) {
      hot.addAll(layout.createTable(table, database, table.hotName()));
      cold.addAll(layout.createTable(table, database, table.coldName()));
    }
    return List.of(
        new Migration(1, "hot tables of the seven normalized types", hot),
        new Migration(2, "cold archive tables", cold));
  }

  /**
   * Creates the database and the migrations table if missing, then applies every migration not recorded yet.
   *
   * @return the versions applied by this call
   */
  public static List<Integer> apply(ClickHouse clickHouse, String database) throws SQLException {
    return apply(clickHouse, database, TableLayout.singleNode());
  }

  /** {@link #apply(ClickHouse, String)} in {@code layout} (one server, or a cluster: {@code clickhouse.cluster}). */
  public static List<Integer> apply(ClickHouse clickHouse, String database, TableLayout layout) throws SQLException {
    clickHouse.execute(layout.createDatabase(database));
    clickHouse.execute(layout.createMigrationsTable(database));
    Set<Integer> applied =
        new HashSet<>(clickHouse.query("SELECT version FROM " + database + ".schema_migrations", List.of(),
            row -> row.getInt(1)));
    List<Integer> now = new ArrayList<>();
    for (Migration migration : all(database, layout)) {
      if (applied.contains(migration.version())) {
        continue;
      }
      for (String statement : migration.statements()) {
        clickHouse.execute(statement);
      }
      clickHouse.execute("INSERT INTO " + database + ".schema_migrations (version, description, applied_at) VALUES ("
          + migration.version() + ", '" + migration.description().replace("'", "\\'") + "', now())");
      log.info("applied schema migration {}: {}", migration.version(), migration.description());
      now.add(migration.version());
    }
    return now;
  }
}
