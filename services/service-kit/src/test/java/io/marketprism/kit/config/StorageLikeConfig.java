package io.marketprism.kit.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;

/** A service's own config class, shaped as data-storage's will be. */
public class StorageLikeConfig extends ServiceConfig {

  @Valid @NotNull private ClickHouse clickhouse = new ClickHouse();

  @Valid @NotNull private Nats nats = new Nats();

  public StorageLikeConfig() {
    super(7102);
  }

  public ClickHouse clickhouse() {
    return clickhouse;
  }

  public Nats nats() {
    return nats;
  }

  public static class ClickHouse {
    @NotBlank private String url = "jdbc:clickhouse://127.0.0.1:8123/marketprism";

    @Positive private int batchSize = 10_000;

    @NotNull
    @DurationMin(millis = 1)
    private Duration flushInterval = Duration.ofSeconds(1);

    public String url() {
      return url;
    }

    public int batchSize() {
      return batchSize;
    }

    public Duration flushInterval() {
      return flushInterval;
    }
  }

  public static class Nats {
    @NotBlank private String url = "nats://127.0.0.1:4222";

    @NotNull private List<String> subjects = List.of("md.>");

    public String url() {
      return url;
    }

    public List<String> subjects() {
      return subjects;
    }
  }
}
