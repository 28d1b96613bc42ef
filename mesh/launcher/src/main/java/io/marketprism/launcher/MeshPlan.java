package io.marketprism.launcher;

import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.supervisor.ClickHouseServerProcess;
import io.marketprism.supervisor.JavaServiceProcess;
import io.marketprism.supervisor.NatsCluster;
import io.marketprism.supervisor.PortClaim;
import io.marketprism.supervisor.SupervisedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the configuration into what runs: NATS, ClickHouse, then every enabled service in catalog
 * order, each with its ports, log file and the environment variables that carry its settings.
 *
 * <p>With the mesh on ({@code mesh}), every service but the control plane gets the kit's {@code
 * MARKETPRISM_MESH_*} settings: it registers with the control plane, serves through {@code
 * XdsServerBuilder} (mTLS as the policy says, STRICT by default) with its certificate files from
 * {@code certs/<service>/}, dials its peers at {@code xds:///<service>}, and answers health checks
 * on a plaintext port of its own, which is where the supervisor and {@code status} probe it. The
 * control plane gets the policy file and a certificate of its own ({@code
 * spiffe://marketprism/service/control-plane}): its gRPC port (registry, ADS) serves mTLS, a service
 * may register only itself, and the services dial it with their certificates ({@code
 * MARKETPRISM_MESH_CONTROL_PLANE_TLS}); its health is on a plaintext port too, and a read-only
 * plaintext ADS port on 127.0.0.1 ({@code mesh.plaintext-ads-port}) serves local xDS clients that
 * cannot speak TLS to it. With the mesh off, services serve plaintext on their gRPC
 * port and dial each other at the {@code MARKETPRISM_PEERS_*} addresses.
 */
final class MeshPlan {

  static final String NATS = "nats";
  static final String CLICKHOUSE = "clickhouse";

  private MeshPlan() {}

  /** The processes to supervise, in start order. */
  static List<SupervisedProcess> processes(
      LauncherConfig config, Workspace workspace, String version, boolean mesh) {
    List<SupervisedProcess> processes = new ArrayList<>();
    processes.addAll(natsCluster(config, workspace).nodes());
    processes.add(
        ClickHouseServerProcess.builder(workspace.clickHouseDirectory())
            .name(CLICKHOUSE)
            .httpPort(config.clickHouseHttpPort())
            .tcpPort(config.clickHouseTcpPort())
            .logFile(workspace.logFile(CLICKHOUSE))
            .build());
    for (ServiceSettings service : config.enabledServices()) {
      processes.add(service(config, workspace, version, service, mesh));
    }
    return processes;
  }

  /**
   * The NATS members: one server named {@code nats} in {@code nats/}, or a cluster whose members
   * ({@code nats-1}, {@code nats-2}, ...) each keep their store in {@code nats/nats-<n>/}.
   */
  static NatsCluster natsCluster(LauncherConfig config, Workspace workspace) {
    // a single server keeps the layout of runs before clusters: its store directly in nats/
    Path directory =
        config.natsClusterSize() == 1
            ? workspace.natsDirectory().getParent()
            : workspace.natsDirectory();
    return NatsCluster.builder(directory, config.natsClusterSize())
        .name(NATS)
        .ports(config.natsPorts(), config.natsMonitorPorts(), config.natsRoutePorts())
        .logDirectory(workspace.logDirectory())
        .build();
  }

  /**
   * Fails with a message an operator can act on when the mesh cannot run as configured: it needs
   * the control plane and a policy file.
   */
  static void requireMeshRunnable(LauncherConfig config, Workspace workspace) {
    if (config.controlPlane().isEmpty()) {
      if (meshServices(config, true).isEmpty()) {
        return; // nothing joins the mesh
      }
      throw new LauncherException(
          "the mesh needs the control plane, but services.control-plane.enabled is false; enable it"
              + " or run without the mesh: ./marketprism up --no-mesh");
    }
    Path policy = config.mesh().policyPath(workspace.repository());
    if (!Files.isRegularFile(policy)) {
      throw new LauncherException(
          "mesh policy file "
              + policy
              + " does not exist; set mesh.policy-file in marketprism.yaml or run without the mesh:"
              + " ./marketprism up --no-mesh");
    }
  }

  /** What the state file and {@code status} say about the mesh of a run. */
  static RunState.Mesh meshState(LauncherConfig config, Workspace workspace, boolean mesh) {
    if (!mesh) {
      return RunState.Mesh.OFF;
    }
    return new RunState.Mesh(
        true,
        config.controlPlane().map(ServiceSettings::address).orElse(null),
        config.mesh().policyPath(workspace.repository()).toString(),
        workspace.caDirectory().resolve("ca.pem").toString());
  }

  /** The services that hold a mesh certificate in this run. */
  static List<String> meshServices(LauncherConfig config, boolean mesh) {
    return config.enabledServices().stream()
        .filter(service -> inMesh(service, mesh))
        .map(ServiceSettings::name)
        .toList();
  }

  /**
   * The services that hold a mesh certificate in this run: the mesh services and the control plane,
   * whose gRPC port then serves mTLS.
   */
  static List<String> certificateHolders(LauncherConfig config, boolean mesh) {
    return config.enabledServices().stream()
        .filter(service -> inMesh(service, mesh) || servesControlPlaneTls(service, mesh))
        .map(ServiceSettings::name)
        .toList();
  }

  /** True when {@code service} is the control plane of a mesh run: mTLS on its gRPC port. */
  static boolean servesControlPlaneTls(ServiceSettings service, boolean mesh) {
    return mesh && service.name().equals(ServiceCatalog.CONTROL_PLANE);
  }

  /** True when {@code service} answers health checks on its plaintext health port in this run. */
  private static boolean hasHealthPort(ServiceSettings service, boolean mesh) {
    return inMesh(service, mesh) || servesControlPlaneTls(service, mesh);
  }

  /** True when {@code service} runs in the mesh in this run. */
  static boolean inMesh(ServiceSettings service, boolean mesh) {
    return mesh && service.definition().joinsMesh();
  }

  /**
   * Every port the run needs, with the marketprism.yaml key that moves it. The processes report the
   * same ports; these claims carry the hints an operator needs in a conflict message.
   */
  static List<PortClaim> portClaims(LauncherConfig config, boolean mesh) {
    List<PortClaim> claims = new ArrayList<>();
    for (int member = 0; member < config.natsClusterSize(); member++) {
      String name = natsMemberName(config, member);
      claims.add(claim(config.natsPorts().get(member), name, "client", "nats.port"));
      claims.add(
          claim(config.natsMonitorPorts().get(member), name, "HTTP monitoring", "nats.monitor-port"));
      if (config.natsClusterSize() > 1) {
        claims.add(
            claim(config.natsRoutePorts().get(member), name, "cluster routes", "nats.route-port"));
      }
    }
    claims.add(claim(config.clickHouseHttpPort(), CLICKHOUSE, "HTTP", "clickhouse.http-port"));
    claims.add(claim(config.clickHouseTcpPort(), CLICKHOUSE, "native TCP", "clickhouse.tcp-port"));
    for (ServiceSettings service : config.enabledServices()) {
      String prefix = "services." + service.name() + ".";
      claims.add(claim(service.grpcPort(), service.name(), "gRPC", prefix + "grpc-port"));
      claims.add(claim(service.metricsPort(), service.name(), "metrics", prefix + "metrics-port"));
      if (hasHealthPort(service, mesh)) {
        claims.add(healthClaim(service));
      }
      if (servesControlPlaneTls(service, mesh)) {
        claims.add(plaintextAdsClaim(config));
      }
      service
          .definition()
          .extraPort()
          .ifPresent(
              extra ->
                  claims.add(
                      claim(
                          service.extraPort().getAsInt(),
                          service.name(),
                          extra.purpose(),
                          prefix + extra.configKey())));
    }
    return claims;
  }

  /** The components as {@code status} and the state file show them, before anything runs. */
  static List<ComponentState> components(LauncherConfig config, Workspace workspace, boolean mesh) {
    List<ComponentState> components = new ArrayList<>();
    for (int member = 0; member < config.natsClusterSize(); member++) {
      String name = natsMemberName(config, member);
      components.add(
          new ComponentState(
              name,
              ComponentState.INFRASTRUCTURE,
              "127.0.0.1:" + config.natsPorts().get(member),
              Map.of(
                  "url",
                  "nats://127.0.0.1:" + config.natsPorts().get(member),
                  "monitor",
                  "http://127.0.0.1:" + config.natsMonitorPorts().get(member)),
              -1,
              null,
              "PENDING",
              null,
              workspace.logFile(name).toString()));
    }
    components.add(
        new ComponentState(
            CLICKHOUSE,
            ComponentState.INFRASTRUCTURE,
            "127.0.0.1:" + config.clickHouseHttpPort(),
            Map.of(
                "http",
                "http://127.0.0.1:" + config.clickHouseHttpPort(),
                "tcp",
                "127.0.0.1:" + config.clickHouseTcpPort(),
                "jdbc",
                config.clickHouseJdbcUrl()),
            -1,
            null,
            "PENDING",
            null,
            workspace.logFile(CLICKHOUSE).toString()));
    for (ServiceSettings service : config.enabledServices()) {
      Map<String, String> endpoints = new LinkedHashMap<>();
      service
          .definition()
          .extraPort()
          .ifPresent(
              extra ->
                  extra
                      .statusField()
                      .ifPresent(
                          field ->
                              endpoints.put(
                                  field, "http://127.0.0.1:" + service.extraPort().getAsInt())));
      endpoints.put("metrics", "http://127.0.0.1:" + service.metricsPort() + "/metrics");
      if (hasHealthPort(service, mesh)) {
        endpoints.put(ComponentState.HEALTH_ADDRESS, service.healthAddress());
      }
      if (servesControlPlaneTls(service, mesh)) {
        // where local xDS clients (Python, Node) get ADS: workspace xds/bootstrap-plaintext-ads.json names it
        endpoints.put(ComponentState.PLAINTEXT_ADS, "127.0.0.1:" + config.mesh().plaintextAdsPort());
      }
      components.add(
          new ComponentState(
              service.name(),
              ComponentState.SERVICE,
              service.address(),
              endpoints,
              -1,
              null,
              "PENDING",
              null,
              workspace.logFile(service.name()).toString()));
    }
    return components;
  }

  /** {@code nats} for a single server, {@code nats-<n>} for cluster members (as {@link NatsCluster} names them). */
  static String natsMemberName(LauncherConfig config, int member) {
    return config.natsClusterSize() == 1 ? NATS : NATS + "-" + (member + 1);
  }

  /** The environment a service starts with; {@code environment} from marketprism.yaml wins. */
  static Map<String, String> environment(
      LauncherConfig config, Workspace workspace, ServiceSettings service, boolean mesh) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MARKETPRISM_SERVICE_NAME", service.name());
    env.put("MARKETPRISM_GRPC_HOST", "127.0.0.1");
    env.put("MARKETPRISM_GRPC_PORT", Integer.toString(service.grpcPort()));
    env.put("MARKETPRISM_METRICS_PORT", Integer.toString(service.metricsPort()));
    env.put("MARKETPRISM_NATS_URL", config.natsUrl());
    // streams and buckets the services create get a copy on every member (at most three)
    String replicas = Integer.toString(config.natsStreamReplicas());
    env.put("MARKETPRISM_NATS_STREAMS_REPLICAS", replicas);
    if (service.name().equals("config-center")) {
      env.put("MARKETPRISM_STORE_REPLICAS", replicas);
    }
    env.put("MARKETPRISM_CLICKHOUSE_URL", config.clickHouseJdbcUrl());
    service
        .definition()
        .extraPort()
        .ifPresent(
            extra -> env.put(extra.envVar(), Integer.toString(service.extraPort().getAsInt())));
    for (ServiceSettings peer : config.enabledServices()) {
      if (!peer.name().equals(service.name())) {
        env.put("MARKETPRISM_PEERS_" + peer.definition().envName(), peer.address());
      }
      if (peer.name().equals("exchange-simulator")) {
        env.put(
            "MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED",
            "127.0.0.1:" + peer.extraPort().getAsInt());
      }
    }
    if (inMesh(service, mesh)) {
      env.put("MARKETPRISM_MESH_ENABLED", "true");
      env.put(
          "MARKETPRISM_MESH_CONTROL_PLANE",
          config.controlPlane().map(ServiceSettings::address).orElseThrow());
      env.put(
          "MARKETPRISM_MESH_CERT_DIR", workspace.certificateDirectory(service.name()).toString());
      env.put("MARKETPRISM_MESH_HEALTH_PORT", Integer.toString(service.healthPort()));
      env.put("MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true");
    } else if (servesControlPlaneTls(service, mesh)) {
      env.put(
          "MARKETPRISM_POLICY_FILE", config.mesh().policyPath(workspace.repository()).toString());
      env.put(
          "MARKETPRISM_SERVER_TLS_CERT_DIR",
          workspace.certificateDirectory(service.name()).toString());
      env.put("MARKETPRISM_SERVER_TLS_HEALTH_PORT", Integer.toString(service.healthPort()));
      env.put("MARKETPRISM_PLAINTEXT_ADS_ENABLED", "true");
      env.put("MARKETPRISM_PLAINTEXT_ADS_PORT", Integer.toString(config.mesh().plaintextAdsPort()));
    }
    boolean configCenterRuns =
        config.enabledServices().stream().anyMatch(peer -> peer.name().equals("config-center"));
    if (configCenterRuns && ServiceCatalog.RUNTIME_SETTINGS.contains(service.name())) {
      env.put("MARKETPRISM_RUNTIME_CONFIG_ENABLED", "true");
      env.put("MARKETPRISM_RUNTIME_CONFIG_SNAPSHOT_FILE",
          workspace.runDirectory().resolve(service.name() + ".config-snapshot").toString());
    }
    if (service.name().equals("api-gateway")) {
      env.putAll(GatewaySecrets.environment(workspace));
    }
    if (service.name().equals("config-center")) {
      env.putAll(ConfigCenterSecrets.environment(workspace));
    }
    env.putAll(service.environment());
    return env;
  }

  private static JavaServiceProcess service(
      LauncherConfig config,
      Workspace workspace,
      String version,
      ServiceSettings service,
      boolean mesh) {
    String prefix = "services." + service.name() + ".";
    JavaServiceProcess.Builder builder =
        JavaServiceProcess.builder(service.name(), service.grpcPort())
            .classpath(
                JavaServiceProcess.Classpath.ofModule(
                    workspace.repository().resolve(service.definition().moduleDir()),
                    service.definition().artifactId(),
                    version))
            .mainClass(service.definition().mainClass())
            .jvmOptions(service.jvmOptions())
            .environment(environment(config, workspace, service, mesh))
            .logFile(workspace.logFile(service.name()))
            .grpcPortClaim(claim(service.grpcPort(), service.name(), "gRPC", prefix + "grpc-port"))
            .extraPort(
                claim(service.metricsPort(), service.name(), "metrics", prefix + "metrics-port"));
    service
        .definition()
        .extraPort()
        .ifPresent(
            extra ->
                builder.extraPort(
                    claim(
                        service.extraPort().getAsInt(),
                        service.name(),
                        extra.purpose(),
                        prefix + extra.configKey())));
    if (hasHealthPort(service, mesh)) {
      builder.healthPort(service.healthPort()).extraPort(healthClaim(service));
    }
    if (servesControlPlaneTls(service, mesh)) {
      builder.extraPort(plaintextAdsClaim(config));
    }
    return builder.build();
  }

  private static PortClaim plaintextAdsClaim(LauncherConfig config) {
    return claim(
        config.mesh().plaintextAdsPort(),
        ServiceCatalog.CONTROL_PLANE,
        "read-only plaintext ADS",
        "mesh.plaintext-ads-port");
  }

  private static PortClaim healthClaim(ServiceSettings service) {
    return claim(
        service.healthPort(),
        service.name(),
        "plaintext health",
        "services." + service.name() + ".health-port");
  }

  private static PortClaim claim(int port, String owner, String purpose, String key) {
    return new PortClaim(port, owner, purpose, "set " + key + " in marketprism.yaml");
  }
}
