package io.marketprism.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One setting given as text (a config center value), bound and validated with the file's rules. */
class ConfigValueTest {

  private static final String ORIGIN = "config center data-storage/clickhouse";

  @Test
  void aSectionBindsFromYamlOrJsonWithTheFilesRules() {
    StorageLikeConfig.ClickHouse yaml =
        ConfigLoader.parseValue("clickhouse", StorageLikeConfig.ClickHouse.class, "batch-size: 500\nflush-interval: 250ms", ORIGIN);
    assertThat(yaml.batchSize()).isEqualTo(500);
    assertThat(yaml.flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(yaml.url()).as("a key left out keeps the class's default").isEqualTo("jdbc:clickhouse://127.0.0.1:8123/marketprism");

    StorageLikeConfig.ClickHouse json =
        ConfigLoader.parseValue("clickhouse", StorageLikeConfig.ClickHouse.class, "{\"batch-size\": 7}", ORIGIN);
    assertThat(json.batchSize()).isEqualTo(7);
  }

  @Test
  void problemsNameTheSettingsKeyTheReasonAndTheOrigin() {
    assertThatThrownBy(() -> ConfigLoader.parseValue(
            "clickhouse", StorageLikeConfig.ClickHouse.class, "{batch-size: 0, flush-interval: 0s}", ORIGIN))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clickhouse.batch-size: must be greater than 0 (was 0) [" + ORIGIN + "]")
        .hasMessageContaining("clickhouse.flush-interval: must be at least 1ms (was 0s) [" + ORIGIN + "]");
    assertThatThrownBy(() -> ConfigLoader.parseValue(
            "clickhouse", StorageLikeConfig.ClickHouse.class, "{batch-sise: 5}", ORIGIN))
        .hasMessage("invalid configuration: unknown key clickhouse.batch-sise [" + ORIGIN + "]");
    assertThatThrownBy(() -> ConfigLoader.parseValue(
            "clickhouse", StorageLikeConfig.ClickHouse.class, "{batch-size: many}", ORIGIN))
        .hasMessageStartingWith("invalid configuration: clickhouse.batch-size: cannot parse \"many\" as an integer");
    assertThatThrownBy(() -> ConfigLoader.parseValue(
            "clickhouse", StorageLikeConfig.ClickHouse.class, "{flush-interval: soon}", ORIGIN))
        .hasMessageStartingWith("invalid configuration: clickhouse.flush-interval: cannot parse \"soon\" as a duration");
    assertThatThrownBy(() -> ConfigLoader.parseValue(
            "clickhouse", StorageLikeConfig.ClickHouse.class, "{batch-size: [1, 2", ORIGIN))
        .hasMessageStartingWith("invalid configuration: clickhouse: not YAML or JSON:");
    assertThatThrownBy(() -> ConfigLoader.parseValue("clickhouse", StorageLikeConfig.ClickHouse.class, "", ORIGIN))
        .hasMessage("invalid configuration: clickhouse: empty value [" + ORIGIN + "]");
    assertThatThrownBy(() -> ConfigLoader.parseValue("clickhouse", StorageLikeConfig.ClickHouse.class, "[1]", ORIGIN))
        .hasMessageStartingWith("invalid configuration: clickhouse: expected a mapping here, not a list");
  }

  @Test
  void aListBindsEachElementAndNamesTheOneThatFails() {
    List<StorageLikeConfig.ClickHouse> list = ConfigLoader.parseList("shards", StorageLikeConfig.ClickHouse.class,
        "- {batch-size: 1}\n- {batch-size: 2}", ORIGIN);
    assertThat(list).extracting(StorageLikeConfig.ClickHouse::batchSize).containsExactly(1, 2);

    assertThatThrownBy(() -> ConfigLoader.parseList("shards", StorageLikeConfig.ClickHouse.class,
            "[{batch-size: 1}, {batch-size: -1}]", ORIGIN))
        .hasMessageStartingWith("invalid configuration: shards[1].batch-size: must be greater than 0 (was -1)");
    assertThatThrownBy(() -> ConfigLoader.parseList("shards", StorageLikeConfig.ClickHouse.class,
            "[{batch-size: 1}, {bach-size: 1}]", ORIGIN))
        .hasMessage("invalid configuration: unknown key shards[1].bach-size [" + ORIGIN + "]");
  }

  @Test
  void aScalarBindsToItsType() {
    assertThat(ConfigLoader.parseValue("batch-size", Integer.class, "42", ORIGIN)).isEqualTo(42);
    assertThat(ConfigLoader.parseValue("flush", Duration.class, "2s", ORIGIN)).isEqualTo(Duration.ofSeconds(2));
  }
}
