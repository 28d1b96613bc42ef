package io.marketprism.storage;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the data-storage service: the kit's sections (gRPC port 7102), {@code nats}, {@code clickhouse},
 * {@code ingest} and {@code query}.
 */
public class DataStorageConfig extends ServiceConfig {

  @Valid @NotNull private NatsConfig nats = new NatsConfig();

  @Valid @NotNull private ClickHouse clickhouse = new ClickHouse();

  @Valid @NotNull private Ingest ingest = new Ingest();

  @Valid @NotNull private Query query = new Query();

  public DataStorageConfig() {
    super(7102);
  }

  public NatsConfig nats() {
    return nats;
  }

  public ClickHouse clickhouse() {
    return clickhouse;
  }

  public Ingest ingest() {
    return ingest;
  }

  public Query query() {
    return query;
  }

  /** Where the tables live. */
  public static class ClickHouse {
    /** Any database of the server: the service connects through it and keeps its tables in {@code database}. */
    @NotBlank
    @Pattern(regexp = "jdbc:clickhouse://.+", message = "must be a jdbc:clickhouse:// URL")
    private String url = "jdbc:clickhouse://127.0.0.1:8123/default?compress=false";

    /** The database holding MarketPrism's tables; created by the first migration. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*", message = "must be a plain identifier")
    private String database = "marketprism";

    /**
     * The ClickHouse cluster ({@code remote_servers}) the tables are spread over: replicated local tables and
     * {@code Distributed} ones, every migration {@code ON CLUSTER}; blank is one server. See {@code TableLayout}.
     */
    @NotNull
    @Pattern(regexp = "|[A-Za-z_][A-Za-z0-9_]*", message = "must be blank or a plain identifier")
    private String cluster = "";

    /** Timeout of one statement (socket timeout). */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration queryTimeout = Duration.ofSeconds(60);

    public String url() {
      return url;
    }

    public String database() {
      return database;
    }

    public String cluster() {
      return cluster;
    }

    /** How long start-up waits for ClickHouse to answer before giving up. */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration startupTimeout = Duration.ofSeconds(60);

    public Duration queryTimeout() {
      return queryTimeout;
    }

    public Duration startupTimeout() {
      return startupTimeout;
    }
  }

  /** The JetStream → ClickHouse ingest. */
  public static class Ingest {
    /** Durable consumer name on MARKET_DATA; instances sharing it share the work. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9_\\-]+", message = "must be a NATS consumer name")
    private String durable = "data-storage";

    /** Rows (all types together) that trigger a flush. */
    @Positive private int batchSize = 50_000;

    /** Longest time a received message waits for its flush. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration flushInterval = Duration.ofMillis(200);

    /** Messages per pull request. */
    @Positive
    @Max(100_000)
    private int fetchSize = 10_000;

    /**
     * How long JetStream waits for an ack before redelivering. After a crash, the messages the dead process held are
     * redelivered only when this passes, so keep it short; longer than a flush (interval plus insert) is enough,
     * since a batch that outlives it while ClickHouse is down is merely delivered twice (and deduplicated).
     */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration ackWait = Duration.ofSeconds(10);

    /** Longest pause between insert retries while ClickHouse is failing. */
    @NotNull
    @DurationMin(millis = 10)
    private Duration maxRetryBackoff = Duration.ofSeconds(5);

    /** Where undecodable messages go, with the reason in the {@code MarketPrism-Error} header. */
    @NotBlank private String deadLetterSubject = "sys.deadletter.storage";

    public String durable() {
      return durable;
    }

    public int batchSize() {
      return batchSize;
    }

    public Duration flushInterval() {
      return flushInterval;
    }

    public int fetchSize() {
      return fetchSize;
    }

    public Duration ackWait() {
      return ackWait;
    }

    public Duration maxRetryBackoff() {
      return maxRetryBackoff;
    }

    public String deadLetterSubject() {
      return deadLetterSubject;
    }
  }

  /** Request validation. */
  public static class Query {
    /** Exchanges a request may name; others are INVALID_ARGUMENT. */
    @NotEmpty private List<@NotBlank String> exchanges = List.of("binance", "okx", "deribit");

    public List<String> exchanges() {
      return List.copyOf(exchanges);
    }
  }
}
