package io.marketprism.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The launcher's settings: ports and JVM options, from {@code marketprism.yaml} over built-in
 * defaults. Immutable.
 *
 * @param natsPort NATS client port
 * @param natsMonitorPort NATS HTTP monitoring port
 * @param clickHouseHttpPort ClickHouse HTTP port
 * @param clickHouseTcpPort ClickHouse native protocol port
 * @param mesh whether and how the services run in the xDS mesh
 * @param services per-service settings, in catalog (start) order, disabled ones included
 */
public record LauncherConfig(
    int natsPort,
    int natsMonitorPort,
    int clickHouseHttpPort,
    int clickHouseTcpPort,
    MeshSettings mesh,
    List<ServiceSettings> services) {

  public static final int DEFAULT_NATS_PORT = 14222;
  public static final int DEFAULT_NATS_MONITOR_PORT = 18222;
  public static final int DEFAULT_CLICKHOUSE_HTTP_PORT = 18123;
  public static final int DEFAULT_CLICKHOUSE_TCP_PORT = 19000;

  public LauncherConfig {
    services = List.copyOf(services);
  }

  /** The services that will run, in start order. */
  public List<ServiceSettings> enabledServices() {
    return services.stream().filter(ServiceSettings::enabled).toList();
  }

  public String natsUrl() {
    return "nats://127.0.0.1:" + natsPort;
  }

  public String clickHouseJdbcUrl() {
    return "jdbc:clickhouse://127.0.0.1:" + clickHouseHttpPort + "/default?compress=false";
  }

  /** The control plane's settings, if it is enabled. */
  public Optional<ServiceSettings> controlPlane() {
    return enabledServices().stream()
        .filter(service -> service.name().equals(ServiceCatalog.CONTROL_PLANE))
        .findFirst();
  }

  /**
   * The {@code mesh} section.
   *
   * @param enabled whether {@code up} runs the mesh ({@code up --no-mesh} turns it off for one run)
   * @param policyFile the mesh policy the control plane reads, as configured (relative to the
   *     repository unless absolute)
   * @param certificateLifetime how long each service's workload certificate is valid; it is
   *     replaced after two thirds of it
   * @param plaintextAdsPort the control plane's read-only plaintext ADS port on 127.0.0.1, for xDS
   *     clients that cannot speak TLS to it (gRPC for Node)
   */
  public record MeshSettings(
      boolean enabled, String policyFile, Duration certificateLifetime, int plaintextAdsPort) {

    public static final String DEFAULT_POLICY_FILE = "mesh/deploy/mesh-policy.yaml";
    public static final Duration DEFAULT_CERTIFICATE_LIFETIME = Duration.ofHours(24);
    public static final int DEFAULT_PLAINTEXT_ADS_PORT = 7110;

    /** The policy file as an absolute path. */
    public Path policyPath(Path repository) {
      return repository.resolve(policyFile).toAbsolutePath().normalize();
    }
  }

  /**
   * One service's settings.
   *
   * @param definition the catalog entry
   * @param enabled whether {@code up} starts it
   * @param grpcPort its gRPC (and health) port
   * @param metricsPort its Prometheus port
   * @param healthPort its plaintext grpc.health.v1 port while it runs in the mesh
   * @param extraPort its second port, when the catalog gives it one
   * @param jvmOptions the JVM options it is started with
   * @param environment extra environment variables (override the launcher's)
   */
  public record ServiceSettings(
      ServiceDefinition definition,
      boolean enabled,
      int grpcPort,
      int metricsPort,
      int healthPort,
      OptionalInt extraPort,
      List<String> jvmOptions,
      Map<String, String> environment) {

    public ServiceSettings {
      jvmOptions = List.copyOf(jvmOptions);
      environment = Map.copyOf(environment);
    }

    public String name() {
      return definition.name();
    }

    public String address() {
      return "127.0.0.1:" + grpcPort;
    }

    public String healthAddress() {
      return "127.0.0.1:" + healthPort;
    }
  }
}
