package io.marketprism.controlplane;

import io.marketprism.kit.config.ServiceConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the control-plane service: the kit's sections, its well-known gRPC port 7100 (registry, ADS,
 * CSDS), and
 *
 * <pre>{@code
 * admin:
 *   host: 127.0.0.1
 *   port: 7190               # 0 = an ephemeral port
 * nats:
 *   url: nats://127.0.0.1:4222
 * registry:
 *   bucket: mesh-registry    # every replica of one mesh uses the same bucket
 *   reap-interval: 1s        # how often expired leases and finished drains are removed
 * health-check:
 *   interval: 2s
 *   timeout: 1s
 *   healthy-threshold: 2
 *   unhealthy-threshold: 3
 * policy:
 *   file: ""                 # the mesh policy YAML; empty = no policy (xDS defaults, plaintext)
 *   poll-interval: 2s
 * }</pre>
 */
public class ControlPlaneConfig extends ServiceConfig {

  @Valid @NotNull private Admin admin = new Admin();
  @Valid @NotNull private NatsSection nats = new NatsSection();
  @Valid @NotNull private RegistrySection registry = new RegistrySection();
  @Valid @NotNull private HealthCheck healthCheck = new HealthCheck();
  @Valid @NotNull private Policy policy = new Policy();

  public ControlPlaneConfig() {
    super(7100);
  }

  public Admin admin() {
    return admin;
  }

  public NatsSection nats() {
    return nats;
  }

  public RegistrySection registry() {
    return registry;
  }

  public HealthCheck healthCheck() {
    return healthCheck;
  }

  public Policy policy() {
    return policy;
  }

  /** The admin HTTP port: {@code /healthz}, {@code /nodes}, {@code /registry}, {@code /policy}, {@code /snapshots}. */
  public static class Admin {

    @NotBlank private String host = "127.0.0.1";

    @Range(min = 0, max = 65535)
    private int port = 7190;

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }
  }

  /** Where the registry's key-value bucket lives. */
  public static class NatsSection {
    @NotBlank
    @Pattern(regexp = "(nats|tls)://\\S+", message = "must be a nats:// or tls:// URL")
    private String url = "nats://127.0.0.1:4222";

    public String url() {
      return url;
    }
  }

  /** The registry bucket and its housekeeping. */
  public static class RegistrySection {
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9_-]+", message = "must be letters, digits, - and _")
    private String bucket = "mesh-registry";

    @NotNull
    @DurationMin(millis = 100)
    private Duration reapInterval = Duration.ofSeconds(1);

    public String bucket() {
      return bucket;
    }

    public Duration reapInterval() {
      return reapInterval;
    }
  }

  /** Active grpc.health.v1 checks of every instance. */
  public static class HealthCheck {
    @NotNull
    @DurationMin(millis = 50)
    private Duration interval = Duration.ofSeconds(2);

    @NotNull
    @DurationMin(millis = 10)
    private Duration timeout = Duration.ofSeconds(1);

    @Min(1)
    private int healthyThreshold = 2;

    @Min(1)
    private int unhealthyThreshold = 3;

    public Duration interval() {
      return interval;
    }

    public Duration timeout() {
      return timeout;
    }

    public int healthyThreshold() {
      return healthyThreshold;
    }

    public int unhealthyThreshold() {
      return unhealthyThreshold;
    }
  }

  /** The mesh policy file. */
  public static class Policy {
    @NotNull private String file = "";

    @NotNull
    @DurationMin(millis = 100)
    private Duration pollInterval = Duration.ofSeconds(2);

    public String file() {
      return file;
    }

    public Duration pollInterval() {
      return pollInterval;
    }
  }
}
