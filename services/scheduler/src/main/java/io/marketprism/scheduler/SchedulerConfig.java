package io.marketprism.scheduler;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the scheduler: the kit's sections (gRPC port 7105), the shared {@code nats} section, and its own.
 *
 * <pre>{@code
 * nats: {url: nats://127.0.0.1:4222}
 * store: {bucket-prefix: scheduler, file-storage: true, replicas: 1, run-history: 30d}
 * leader: {lease-ttl: 3s, instance-id: ""}       # blank id = <host>-<pid>
 * built-ins:                                      # installed once, at the first start on a fresh store
 *   enabled: true
 *   archive-cron: "30 0 * * *"                    # UTC; storage Archive of days older than hot-retention
 *   hot-retention: 2d
 *   purge-cron: "30 1 * * *"                      # UTC; storage PurgeArchive of days older than cold-retention
 *   cold-retention: 365d
 * callers: {gateway-identity: spiffe://marketprism/service/api-gateway, plaintext-identity: anonymous}
 * }</pre>
 */
public class SchedulerConfig extends ServiceConfig {

  @Valid @NotNull private NatsConfig nats = new NatsConfig();
  @Valid @NotNull private Store store = new Store();
  @Valid @NotNull private Leader leader = new Leader();
  @Valid @NotNull private BuiltIns builtIns = new BuiltIns();
  @Valid @NotNull private Callers callers = new Callers();

  public SchedulerConfig() {
    super(7105);
  }

  public NatsConfig nats() {
    return nats;
  }

  public Store store() {
    return store;
  }

  public Leader leader() {
    return leader;
  }

  public BuiltIns builtIns() {
    return builtIns;
  }

  public Callers callers() {
    return callers;
  }

  /** Who a caller is, for {@code updated_by} and {@code paused_by} (as the config center names them). */
  public static class Callers {
    /** The identity whose forwarded users ({@code x-marketprism-caller}) are believed. */
    @NotBlank private String gatewayIdentity = "spiffe://marketprism/service/api-gateway";

    /** The identity of callers without a client certificate: outside the mesh there is none to read. */
    @NotBlank private String plaintextIdentity = "anonymous";

    public String gatewayIdentity() {
      return gatewayIdentity;
    }

    public String plaintextIdentity() {
      return plaintextIdentity;
    }
  }

  /** The key-value buckets: {@code <prefix>-tasks}, {@code -runs}, {@code -executions}, {@code -lease}. */
  public static class Store {
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9_-]+", message = "must be letters, digits, '-' or '_'")
    private String bucketPrefix = "scheduler";

    private boolean fileStorage = true;

    @Min(1)
    @Max(5)
    private int replicas = 1;

    /** How long runs and executions are kept. */
    @NotNull
    @DurationMin(minutes = 1)
    private Duration runHistory = Duration.ofDays(30);

    public String bucketPrefix() {
      return bucketPrefix;
    }

    public boolean fileStorage() {
      return fileStorage;
    }

    public int replicas() {
      return replicas;
    }

    public Duration runHistory() {
      return runHistory;
    }
  }

  /** The leader lease: whoever holds it fires; the others serve the API. */
  public static class Leader {
    /** A dead leader is replaced within this time (it renews every third of it). */
    @NotNull
    @DurationMin(millis = 300)
    private Duration leaseTtl = Duration.ofSeconds(3);

    @Pattern(regexp = "[A-Za-z0-9_.:-]*", message = "must be letters, digits, '.', ':', '-' or '_'")
    private String instanceId = "";

    public Duration leaseTtl() {
      return leaseTtl;
    }

    public String instanceId() {
      return instanceId;
    }
  }

  /** The tasks every deployment starts with. */
  public static class BuiltIns {
    private boolean enabled = true;
    @NotBlank private String archiveCron = "30 0 * * *";

    @NotNull
    @DurationMin(days = 1)
    private Duration hotRetention = Duration.ofDays(2);

    @NotBlank private String purgeCron = "30 1 * * *";

    @NotNull
    @DurationMin(days = 1)
    private Duration coldRetention = Duration.ofDays(365);

    public boolean enabled() {
      return enabled;
    }

    public String archiveCron() {
      return archiveCron;
    }

    public Duration hotRetention() {
      return hotRetention;
    }

    public String purgeCron() {
      return purgeCron;
    }

    public Duration coldRetention() {
      return coldRetention;
    }
  }
}
