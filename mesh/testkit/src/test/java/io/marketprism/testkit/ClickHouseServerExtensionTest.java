package io.marketprism.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

@WithClickHouse
class ClickHouseServerExtensionTest {

  @Test
  void answersVersionQueryOverHttp(ClickHouseServer clickHouse) {
    assertThat(clickHouse.query("SELECT version()").strip()).matches("\\d+\\.\\d+.*");
  }

  @Test
  void storesAndReturnsRows(ClickHouseServer clickHouse) {
    clickHouse.query("CREATE DATABASE IF NOT EXISTS testkit_rows");
    clickHouse.query("DROP TABLE IF EXISTS testkit_rows.trades");
    clickHouse.query(
        "CREATE TABLE testkit_rows.trades (symbol String, price Decimal(38, 18)) "
            + "ENGINE = MergeTree ORDER BY symbol");
    clickHouse.query(
        "INSERT INTO testkit_rows.trades VALUES ('BTC-USDT', '42219.90000001'), ('ETH-USDT',"
            + " '2500.5')");

    String rows =
        clickHouse.query("SELECT symbol, toString(price) FROM testkit_rows.trades ORDER BY symbol");

    assertThat(rows.lines())
        .containsExactly("BTC-USDT\t42219.900000010000000000", "ETH-USDT\t2500.500000000000000000");
  }

  @Test
  void failedStatementCarriesClickHouseError(ClickHouseServer clickHouse) {
    assertThatThrownBy(() -> clickHouse.query("SELECT * FROM testkit_no_such_table"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("testkit_no_such_table");
  }

  @Test
  void jdbcUrlPointsAtTheHttpPort(ClickHouseServer clickHouse) {
    assertThat(clickHouse.jdbcUrl())
        .isEqualTo(
            "jdbc:clickhouse://127.0.0.1:" + clickHouse.httpPort() + "/default?compress=false");
  }
}
