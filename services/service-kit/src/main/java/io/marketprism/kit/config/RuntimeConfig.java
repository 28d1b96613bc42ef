package io.marketprism.kit.config;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The {@code runtime-config} section: whether the service takes run-time settings from the config center, and where.
 *
 * <pre>{@code
 * runtime-config:
 *   enabled: false          # true = one watch on the config center's namespace; settings change without a restart
 *   environment: prod       # the config center's environment
 *   namespace: ""           # empty = the service's name (market-data-collector, data-storage, api-gateway)
 *   snapshot-file: ""       # last known values, to start with while the config center is unreachable; empty = none
 *   startup-wait: 2s        # how long start-up waits for the first values before going on with the file's
 * }</pre>
 *
 * The config center is dialled as the peer {@code config-center}: {@code xds:///config-center} in the mesh, else
 * {@code peers.config-center}.
 */
public class RuntimeConfig {

  private boolean enabled;

  @NotNull
  @Pattern(regexp = "[a-z][a-z0-9-]{0,31}", message = "must be a config center environment name like prod")
  private String environment = "prod";

  @NotNull
  @Pattern(regexp = "([a-z][a-z0-9-]{0,62})?", message = "must be empty or a namespace name like data-storage")
  private String namespace = "";

  @NotNull private String snapshotFile = "";

  @NotNull
  @DurationMin(millis = 0)
  @DurationMax(minutes = 1)
  private Duration startupWait = Duration.ofSeconds(2);

  public boolean enabled() {
    return enabled;
  }

  public String environment() {
    return environment;
  }

  /** The namespace to watch: {@code namespace}, else {@code serviceName}. */
  public String namespaceOr(String serviceName) {
    return namespace.isEmpty() ? serviceName : namespace;
  }

  public String snapshotFile() {
    return snapshotFile;
  }

  public Duration startupWait() {
    return startupWait;
  }
}
