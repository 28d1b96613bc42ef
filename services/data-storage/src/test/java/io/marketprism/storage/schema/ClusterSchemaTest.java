package io.marketprism.storage.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cluster layout's DDL against the single-node one, table by table: the replicated local table has the same
 * columns, partition key and natural key; the table the service reads and writes keeps its name and is a {@code
 * Distributed} table over the local one, sharded by part of the natural key; every statement runs {@code ON CLUSTER}.
 */
class ClusterSchemaTest {

  static final String DB = "marketprism";
  final TableLayout single = TableLayout.singleNode();
  final TableLayout cluster = TableLayout.of("marketprism_cluster");

  @Test
  void everyTableKeepsItsColumnsPartitionsAndNaturalKeyOnTheCluster() {
    for (EventTable event : EventTables.all()) {
      for (String table : List.of(event.hotName(), event.coldName())) {
        String alone = single.createTable(event, DB, table).get(0);
        List<String> statements = cluster.createTable(event, DB, table);
        String local = statements.get(0);

        assertThat(columns(local)).as(table).isEqualTo(columns(alone)).isNotEmpty();
        assertThat(clause(local, "PARTITION BY")).as(table).isEqualTo(clause(alone, "PARTITION BY"));
        assertThat(clause(local, "ORDER BY")).as(table).isEqualTo(clause(alone, "ORDER BY"))
            .isEqualTo("(" + EventTable.ORDER_BY + ")");
        assertThat(local)
            .startsWith("CREATE TABLE IF NOT EXISTS " + DB + "." + table + "_local ON CLUSTER marketprism_cluster (")
            .contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/" + DB + "/" + table
                + "_local', '{replica}')");
        assertThat(alone).contains("ENGINE = ReplacingMergeTree ");
      }
    }
  }

  @Test
  void theServicesTableNameIsADistributedTableShardedByPartOfTheNaturalKey() {
    EventTable trades = EventTables.all().get(0);
    String distributed = cluster.createTable(trades, DB, trades.hotName()).get(1);

    assertThat(distributed).isEqualTo("CREATE TABLE IF NOT EXISTS " + DB + "." + trades.hotName()
        + " ON CLUSTER marketprism_cluster AS " + DB + "." + trades.hotName() + "_local"
        + " ENGINE = Distributed(marketprism_cluster, " + DB + ", " + trades.hotName() + "_local,"
        + " cityHash64(exchange, symbol))");
    // every copy of one event lands on one shard, where FINAL deduplicates it
    assertThat(EventTable.ORDER_BY).startsWith("exchange, symbol,");
  }

  @Test
  void databaseAndMigrationsTableAreCreatedOnTheWholeCluster() {
    assertThat(cluster.createDatabase(DB)).isEqualTo("CREATE DATABASE IF NOT EXISTS " + DB
        + " ON CLUSTER marketprism_cluster");
    assertThat(cluster.createMigrationsTable(DB)).contains(" ON CLUSTER marketprism_cluster ")
        .contains("ReplicatedMergeTree('/clickhouse/tables/{shard}/" + DB + "/schema_migrations', '{replica}')");
    assertThat(TableLayout.of(" ")).isEqualTo(TableLayout.singleNode());
  }

  @Test
  void migrationsInTheSingleNodeLayoutAreTheStatementsTheyWereBefore() {
    List<String> hot = Migrations.all(DB, single).get(0).statements();
    assertThat(hot).containsExactlyElementsOf(
        EventTables.all().stream().map(event -> event.createStatement(DB, event.hotName())).toList());
    assertThat(Migrations.all(DB, cluster).get(0).statements()).hasSize(2 * EventTables.all().size());
  }

  /** The column list between the first parenthesis and the engine. */
  private static String columns(String ddl) {
    return ddl.substring(ddl.indexOf(" (\n") + 3, ddl.indexOf("\n)")).strip();
  }

  private static String clause(String ddl, String keyword) {
    Matcher matcher = Pattern.compile(keyword + " (.+?)(?= ORDER BY| PARTITION BY|$)").matcher(ddl);
    return matcher.find() ? matcher.group(1) : "";
  }
}
