package io.marketprism.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The launcher's settings: ports and JVM options, from {@code marketprism.yaml} over built-in
 * defaults. Immutable.
 *
 * @param natsPort NATS client port
 * @param natsMonitorPort NATS HTTP monitoring port
 * @param natsClusterSize how many nats-server members run (1: one plain server); member {@code n} (0-based) uses
 *     the client, monitoring and route ports plus {@code n}
 * @param natsRoutePort the first member's cluster route port (unused by a single server)
 * @param clickHouseHttpPort ClickHouse HTTP port
 * @param clickHouseTcpPort ClickHouse native protocol port
 * @param mesh whether and how the services run in the xDS mesh
 * @param services per-service settings, in catalog (start) order, disabled ones included
 */
public record LauncherConfig(
    int natsPort,
    int natsMonitorPort,
    int natsClusterSize,
    int natsRoutePort,
    int clickHouseHttpPort,
    int clickHouseTcpPort,
    MeshSettings mesh,
    List<ServiceSettings> services) {

  public static final int DEFAULT_NATS_PORT = 14222;
  public static final int DEFAULT_NATS_MONITOR_PORT = 18222;
  public static final int DEFAULT_NATS_ROUTE_PORT = 16222;
  /** The largest cluster {@code --nats-cluster} starts: JetStream's replica limit is 5. */
  public static final int MAX_NATS_CLUSTER_SIZE = 5;
  public static final int DEFAULT_CLICKHOUSE_HTTP_PORT = 18123;
  public static final int DEFAULT_CLICKHOUSE_TCP_PORT = 19000;

  public LauncherConfig {
    if (natsClusterSize < 1 || natsClusterSize > MAX_NATS_CLUSTER_SIZE) {
      throw new LauncherException(
          "a NATS cluster has 1 to " + MAX_NATS_CLUSTER_SIZE + " members, not " + natsClusterSize);
    }
    services = List.copyOf(services);
  }

  /** The services that will run, in start order. */
  public List<ServiceSettings> enabledServices() {
    return services.stream().filter(ServiceSettings::enabled).toList();
  }

  /** Every NATS member's client URL, comma-separated: what the services' {@code nats.url} gets. */
  public String natsUrl() {
    return natsPorts().stream().map(port -> "nats://127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /** The members' client ports, in start order. */
  public List<Integer> natsPorts() {
    return consecutive(natsPort);
  }

  public List<Integer> natsMonitorPorts() {
    return consecutive(natsMonitorPort);
  }

  public List<Integer> natsRoutePorts() {
    return consecutive(natsRoutePort);
  }

  /** The replicas every stream and bucket gets: each member, at most three. */
  public int natsStreamReplicas() {
    return Math.min(natsClusterSize, 3);
  }

  /** This configuration with {@code size} NATS members ({@code up --nats-cluster}). */
  public LauncherConfig withNatsCluster(int size) {
    return new LauncherConfig(natsPort, natsMonitorPort, size, natsRoutePort, clickHouseHttpPort, clickHouseTcpPort,
        mesh, services);
  }

  private List<Integer> consecutive(int first) {
    return IntStream.range(0, natsClusterSize).map(member -> first + member).boxed().toList();
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
