package io.marketprism.storage.schema;

import java.util.List;

/**
 * Where the event tables live: on one server (the default), or on a ClickHouse cluster, chosen by {@code
 * clickhouse.cluster}. Both layouts give each table the same columns, partitions and natural key, and the name the
 * service reads and writes ({@code trades}, {@code trades_archive}, ...) is the same in both, so nothing but the DDL
 * changes:
 *
 * <ul>
 *   <li>{@link #singleNode()}: {@code ReplacingMergeTree} tables.
 *   <li>{@link #cluster(String)}: every statement {@code ON CLUSTER}; the rows in {@code <name>_local}, a {@code
 *       ReplicatedReplacingMergeTree} on each shard's replicas (ZooKeeper or Keeper path per shard, the server's
 *       {@code {shard}} and {@code {replica}} macros); {@code <name>} a {@code Distributed} table over them, sharded
 *       by {@code (exchange, symbol)} — part of the natural key, so every copy of an event lands on one shard and
 *       {@code FINAL} still deduplicates it there.
 * </ul>
 */
public sealed interface TableLayout {

  /** One server: the layout {@code clickhouse.cluster} blank selects. */
  static TableLayout singleNode() {
    return new SingleNode();
  }

  /** The cluster {@code name} of the servers' {@code remote_servers}. */
  static TableLayout cluster(String name) {
    return new Cluster(name);
  }

  /** The layout for {@code clickhouse.cluster}: blank is one server. */
  static TableLayout of(String cluster) {
    return cluster == null || cluster.isBlank() ? singleNode() : cluster(cluster.strip());
  }

  /** {@code CREATE DATABASE IF NOT EXISTS ...}. */
  String createDatabase(String database);

  /** The table that records applied migrations. */
  String createMigrationsTable(String database);

  /** The statements that create {@code table} of {@code event} (hot or cold). */
  List<String> createTable(EventTable event, String database, String table);

  /** One server, plain {@code ReplacingMergeTree}. */
  record SingleNode() implements TableLayout {
    @Override
    public String createDatabase(String database) {
      return "CREATE DATABASE IF NOT EXISTS " + database;
    }

    @Override
    public String createMigrationsTable(String database) {
      return "CREATE TABLE IF NOT EXISTS " + database + ".schema_migrations"
          + " (version UInt32, description String, applied_at DateTime) ENGINE = MergeTree ORDER BY version";
    }

    @Override
    public List<String> createTable(EventTable event, String database, String table) {
      return List.of(event.createStatement(database, table));
    }
  }

  /** A ClickHouse cluster: replicated local tables and a {@code Distributed} table of the service's name. */
  record Cluster(String name) implements TableLayout {

    /** Where ZooKeeper keeps a replicated table's parts list: one path per shard, one replica name per server. */
    private static String replicated(String engine, String database, String table) {
      return "Replicated" + engine + "('/clickhouse/tables/{shard}/" + database + "/" + table + "', '{replica}')";
    }

    @Override
    public String createDatabase(String database) {
      return "CREATE DATABASE IF NOT EXISTS " + database + " ON CLUSTER " + name;
    }

    @Override
    public String createMigrationsTable(String database) {
      return "CREATE TABLE IF NOT EXISTS " + database + ".schema_migrations ON CLUSTER " + name
          + " (version UInt32, description String, applied_at DateTime) ENGINE = "
          + replicated("MergeTree", database, "schema_migrations") + " ORDER BY version";
    }

    @Override
    public List<String> createTable(EventTable event, String database, String table) {
      String local = table + "_local";
      String single = event.createStatement(database, local);
      String replicatedEngine = replicated("ReplacingMergeTree", database, local);
      String onCluster = single
          .replace(" " + database + "." + local + " (", " " + database + "." + local + " ON CLUSTER " + name + " (")
          .replace("ENGINE = ReplacingMergeTree ", "ENGINE = " + replicatedEngine + " ");
      String distributed = "CREATE TABLE IF NOT EXISTS " + database + "." + table + " ON CLUSTER " + name
          + " AS " + database + "." + local
          + " ENGINE = Distributed(" + name + ", " + database + ", " + local + ", cityHash64(exchange, symbol))";
      return List.of(onCluster, distributed);
    }
  }
}
