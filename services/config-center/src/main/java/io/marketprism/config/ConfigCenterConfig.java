package io.marketprism.config;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the config-center service: the kit's sections (gRPC port 7107), the shared {@code nats} section,
 * and its own {@code store}, {@code secrets} and {@code access} sections.
 *
 * <pre>{@code
 * nats: {url: nats://127.0.0.1:4222}
 * store: {bucket-prefix: config, history-per-key: 64, max-value-bytes: 262144, file-storage: true, replicas: 1}
 * secrets:
 *   keys: []            # "<id>=<base64 of 32 bytes>", e.g. MARKETPRISM_SECRETS_KEYS=k1=...,k2=...
 *   keys-file: ""       # the same entries, one a line
 *   active-key: ""      # the id new secrets are sealed with; blank = the last listed
 * access:
 *   gateway-identity: spiffe://marketprism/service/api-gateway
 *   plaintext-identity: anonymous
 *   rules:              # first matching namespace pattern decides
 *     - {namespaces: "*", read: [...], write: [...], read-secrets: [...]}
 * audit: {subject-prefix: sys.config.audit}
 * sync:                 # namespaces mirrored from other sites
 *   sources: [{name: site-a, address: 10.0.0.1:7107, environment: prod, namespaces: [data-storage]}]
 *   reconnect-min: 200ms
 *   reconnect-max: 10s
 * }</pre>
 */
public class ConfigCenterConfig extends ServiceConfig {

  @Valid @NotNull private NatsConfig nats = new NatsConfig();
  @Valid @NotNull private Store store = new Store();
  @Valid @NotNull private Secrets secrets = new Secrets();
  @Valid @NotNull private Access access = new Access();
  @Valid @NotNull private Audit audit = new Audit();
  @Valid @NotNull private Sync sync = new Sync();

  public ConfigCenterConfig() {
    super(7107);
  }

  public NatsConfig nats() {
    return nats;
  }

  public Store store() {
    return store;
  }

  public Secrets secrets() {
    return secrets;
  }

  public Access access() {
    return access;
  }

  public Audit audit() {
    return audit;
  }

  public Sync sync() {
    return sync;
  }

  /** Namespaces mirrored from other sites' config centers. */
  public static class Sync {
    @Valid @NotNull private List<Source> sources = new ArrayList<>();

    @NotNull
    @DurationMin(millis = 10)
    private Duration reconnectMin = Duration.ofMillis(200);

    @NotNull
    @DurationMin(millis = 10)
    private Duration reconnectMax = Duration.ofSeconds(10);

    public List<Source> sources() {
      return sources;
    }

    public Duration reconnectMin() {
      return reconnectMin;
    }

    public Duration reconnectMax() {
      return reconnectMax;
    }
  }

  /** One other config center, and which of its namespaces of one environment to mirror here. */
  public static class Source {
    @NotBlank
    @Pattern(regexp = "[a-z][a-z0-9-]{0,62}", message = "must be [a-z0-9-], starting with a letter")
    private String name = "";

    /** host:port of its gRPC server (plaintext). */
    @NotBlank private String address = "";

    @NotBlank private String environment = "";

    @NotEmpty private List<String> namespaces = new ArrayList<>();

    public String name() {
      return name;
    }

    public String address() {
      return address;
    }

    public String environment() {
      return environment;
    }

    public List<String> namespaces() {
      return namespaces;
    }
  }

  /** The key-value buckets, one per environment. */
  public static class Store {
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9_-]+", message = "must be letters, digits, '-' or '_'")
    private String bucketPrefix = "config";

    /** Versions kept of each key; JetStream allows at most 64. */
    @Min(1)
    @Max(64)
    private int historyPerKey = 64;

    /** The largest value accepted, in UTF-8 bytes (the contract promises 256 KiB). */
    @Positive
    @Max(1 << 20)
    private int maxValueBytes = 256 * 1024;

    private boolean fileStorage = true;

    @Min(1)
    @Max(5)
    private int replicas = 1;

    public String bucketPrefix() {
      return bucketPrefix;
    }

    public int historyPerKey() {
      return historyPerKey;
    }

    public int maxValueBytes() {
      return maxValueBytes;
    }

    public boolean fileStorage() {
      return fileStorage;
    }

    public int replicas() {
      return replicas;
    }
  }

  /** The AES-256-GCM keys secret values are sealed with; none means secrets are refused. */
  public static class Secrets {
    @NotNull private List<String> keys = new ArrayList<>();
    @NotNull private String keysFile = "";
    @NotNull private String activeKey = "";

    public List<String> keys() {
      return keys;
    }

    public String keysFile() {
      return keysFile;
    }

    public String activeKey() {
      return activeKey;
    }
  }

  /** Who may read, write and read secrets of which namespaces. */
  public static class Access {
    /** The identity whose forwarded users ({@code x-marketprism-caller}) are believed. */
    @NotBlank private String gatewayIdentity = "spiffe://marketprism/service/api-gateway";

    /**
     * The identity of callers without a client certificate: outside the mesh there is none to read, and the network
     * is trusted as it is by every other service.
     */
    @NotBlank private String plaintextIdentity = "anonymous";

    @Valid @NotEmpty private List<Rule> rules = new ArrayList<>(List.of(Rule.defaults()));

    public String gatewayIdentity() {
      return gatewayIdentity;
    }

    public String plaintextIdentity() {
      return plaintextIdentity;
    }

    public List<Rule> rules() {
      return rules;
    }
  }

  /** One access rule; see {@code docs/config-center.md} for the principals' forms. */
  public static class Rule {
    @NotBlank private String namespaces = "*";
    @NotNull private List<String> read = new ArrayList<>();
    @NotNull private List<String> write = new ArrayList<>();
    @NotNull private List<String> readSecrets = new ArrayList<>();

    /**
     * Every mesh service and gateway user reads; operators, admins and plaintext callers write; a service reads its
     * own namespace's secrets, and admins every secret.
     */
    static Rule defaults() {
      Rule rule = new Rule();
      rule.read = new ArrayList<>(List.of("spiffe://marketprism/service/*", "role:*", "anonymous"));
      rule.write = new ArrayList<>(List.of("role:operator", "role:admin", "anonymous"));
      rule.readSecrets = new ArrayList<>(List.of("self", "role:admin", "anonymous"));
      return rule;
    }

    public String namespaces() {
      return namespaces;
    }

    public List<String> read() {
      return read;
    }

    public List<String> write() {
      return write;
    }

    public List<String> readSecrets() {
      return readSecrets;
    }
  }

  /** Where changes are recorded: {@code <subject-prefix>.<environment>.<namespace>}, in {@code SYSTEM_EVENTS}. */
  public static class Audit {
    @NotBlank
    @Pattern(regexp = "sys(\\.[A-Za-z0-9_-]+)+", message = "must be a subject under sys. (the SYSTEM_EVENTS stream)")
    private String subjectPrefix = "sys.config.audit";

    public String subjectPrefix() {
      return subjectPrefix;
    }
  }
}
