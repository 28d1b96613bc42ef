package io.marketprism.launcher;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.marketprism.kit.config.Durations;
import io.marketprism.launcher.LauncherConfig.MeshSettings;
import io.marketprism.launcher.LauncherConfig.ServiceSettings;
import io.marketprism.supervisor.JavaServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code marketprism.yaml} (all keys optional) and checks every key and value, so a typo
 * fails with a message naming the key instead of being silently ignored:
 *
 * <pre>
 * nats:
 *   port: 14222
 *   monitor-port: 18222
 *   cluster-size: 1                               # up --nats-cluster 3: members on port+1, port+2, ...
 *   route-port: 16222                             # the first member's cluster route port
 * clickhouse:
 *   http-port: 18123
 *   tcp-port: 19000
 * jvm-options: [-Xmx256m, -XX:+UseSerialGC]      # every service, unless it has its own
 * mesh:
 *   enabled: true                                 # up --no-mesh turns it off for one run
 *   policy-file: mesh/deploy/mesh-policy.yaml     # relative to the repository unless absolute
 *   certificate-lifetime: 24h                     # workload certificates, replaced at two thirds
 *   plaintext-ads-port: 7110                      # read-only ADS on 127.0.0.1 for xDS clients without TLS to it
 * services:
 *   data-storage:
 *     enabled: true
 *     grpc-port: 7102
 *     metrics-port: 9102
 *     health-port: 7302                           # plaintext grpc.health.v1 while in the mesh
 *     jvm-options: [-Xmx512m, -XX:+UseSerialGC]
 *     environment: {MARKETPRISM_LOG_LEVEL: debug}
 *   api-gateway:
 *     http-port: 8080          # also: control-plane admin-port, exchange-simulator feed-port
 * </pre>
 */
public final class ConfigLoader {

  private static final Set<String> TOP_KEYS =
      Set.of("nats", "clickhouse", "jvm-options", "mesh", "services");
  private static final Set<String> MESH_KEYS =
      Set.of("enabled", "policy-file", "certificate-lifetime", "plaintext-ads-port");

  /**
   * A replaced certificate stays valid for the last third of its lifetime, which must cover the
   * services' file-watcher refresh (1 s) and a busy machine's delays many times over.
   */
  private static final Duration MIN_CERTIFICATE_LIFETIME = Duration.ofMinutes(1);

  private static final Duration MAX_CERTIFICATE_LIFETIME = Duration.ofDays(30);
  private static final Set<String> NATS_KEYS =
      Set.of("port", "monitor-port", "cluster-size", "route-port");
  private static final Set<String> CLICKHOUSE_KEYS = Set.of("http-port", "tcp-port");
  private static final Set<String> SERVICE_KEYS =
      Set.of("enabled", "grpc-port", "metrics-port", "health-port", "jvm-options", "environment");

  private final String source;

  private ConfigLoader(String source) {
    this.source = source;
  }

  /** The defaults, when there is no file. */
  public static LauncherConfig defaults() {
    return new ConfigLoader("defaults").parse(null);
  }

  /**
   * Reads {@code file}; a missing file means the defaults.
   *
   * @throws ConfigException naming the file and the offending key
   */
  public static LauncherConfig load(Path file) {
    if (!Files.exists(file)) {
      return defaults();
    }
    ConfigLoader loader = new ConfigLoader(file.getFileName().toString());
    try {
      return loader.parse(new YAMLMapper().readTree(file.toFile()));
    } catch (JacksonException e) {
      throw new ConfigException(file + " is not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("could not read " + file + ": " + e.getMessage());
    }
  }

  /** Parses YAML text; for tests and {@code --config} given as text. */
  public static LauncherConfig parse(String yaml, String source) {
    try {
      return new ConfigLoader(source).parse(new YAMLMapper().readTree(yaml));
    } catch (JacksonException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage());
    }
  }

  private LauncherConfig parse(JsonNode root) {
    JsonNode top = object(root, "", TOP_KEYS);
    JsonNode nats = object(top.get("nats"), "nats", NATS_KEYS);
    JsonNode clickHouse = object(top.get("clickhouse"), "clickhouse", CLICKHOUSE_KEYS);
    List<String> defaultJvmOptions =
        stringList(top.get("jvm-options"), "jvm-options", JavaServiceProcess.DEFAULT_JVM_OPTIONS);

    MeshSettings mesh = mesh(object(top.get("mesh"), "mesh", MESH_KEYS));
    JsonNode servicesNode = top.get("services");
    Set<String> known = new TreeSet<>(ServiceCatalog.names());
    JsonNode services = object(servicesNode, "services", known);
    List<ServiceSettings> settings = new ArrayList<>();
    for (ServiceDefinition definition : ServiceCatalog.SERVICES) {
      settings.add(service(definition, services.get(definition.name()), defaultJvmOptions));
    }
    return new LauncherConfig(
        port(nats.get("port"), "nats.port", LauncherConfig.DEFAULT_NATS_PORT),
        port(
            nats.get("monitor-port"),
            "nats.monitor-port",
            LauncherConfig.DEFAULT_NATS_MONITOR_PORT),
        clusterSize(nats.get("cluster-size")),
        port(nats.get("route-port"), "nats.route-port", LauncherConfig.DEFAULT_NATS_ROUTE_PORT),
        port(
            clickHouse.get("http-port"),
            "clickhouse.http-port",
            LauncherConfig.DEFAULT_CLICKHOUSE_HTTP_PORT),
        port(
            clickHouse.get("tcp-port"),
            "clickhouse.tcp-port",
            LauncherConfig.DEFAULT_CLICKHOUSE_TCP_PORT),
        mesh,
        settings);
  }

  private MeshSettings mesh(JsonNode mesh) {
    String policyFile =
        text(mesh.get("policy-file"), "mesh.policy-file", MeshSettings.DEFAULT_POLICY_FILE);
    JsonNode lifetimeNode = mesh.get("certificate-lifetime");
    Duration lifetime = MeshSettings.DEFAULT_CERTIFICATE_LIFETIME;
    if (lifetimeNode != null && !lifetimeNode.isNull()) {
      lifetime =
          Durations.parse(lifetimeNode.asText())
              .filter(d -> d.compareTo(MIN_CERTIFICATE_LIFETIME) >= 0)
              .filter(d -> d.compareTo(MAX_CERTIFICATE_LIFETIME) <= 0)
              .orElseThrow(
                  () ->
                      error(
                          "'mesh.certificate-lifetime' must be a duration from 1m to 30d, e.g. 24h,"
                              + " got "
                              + lifetimeNode));
    }
    return new MeshSettings(
        bool(mesh.get("enabled"), "mesh.enabled", true),
        policyFile,
        lifetime,
        port(
            mesh.get("plaintext-ads-port"),
            "mesh.plaintext-ads-port",
            MeshSettings.DEFAULT_PLAINTEXT_ADS_PORT));
  }

  private ServiceSettings service(
      ServiceDefinition definition, JsonNode node, List<String> defaultJvmOptions) {
    String path = "services." + definition.name();
    Set<String> keys = new TreeSet<>(SERVICE_KEYS);
    definition.extraPort().ifPresent(extra -> keys.add(extra.configKey()));
    JsonNode service = object(node, path, keys);
    OptionalInt extraPort =
        definition
            .extraPort()
            .map(
                extra ->
                    OptionalInt.of(
                        port(
                            service.get(extra.configKey()),
                            path + "." + extra.configKey(),
                            extra.defaultPort())))
            .orElse(OptionalInt.empty());
    return new ServiceSettings(
        definition,
        bool(service.get("enabled"), path + ".enabled", true),
        port(service.get("grpc-port"), path + ".grpc-port", definition.defaultGrpcPort()),
        port(service.get("metrics-port"), path + ".metrics-port", definition.defaultMetricsPort()),
        port(service.get("health-port"), path + ".health-port", definition.defaultHealthPort()),
        extraPort,
        stringList(service.get("jvm-options"), path + ".jvm-options", defaultJvmOptions),
        environment(service.get("environment"), path + ".environment"));
  }

  /**
   * The node as an object whose keys are all in {@code allowed}; an absent or null node is an empty
   * object.
   */
  private JsonNode object(JsonNode node, String path, Set<String> allowed) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return YAMLMapper.builder().build().createObjectNode();
    }
    if (!node.isObject()) {
      throw error(
          path.isEmpty()
              ? "the file must be a mapping of keys"
              : "'" + path + "' must be a mapping of keys");
    }
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      String name = property.getKey();
      if (!allowed.contains(name)) {
        String key = path.isEmpty() ? name : path + "." + name;
        throw error(
            "unknown key '"
                + key
                + "' (allowed "
                + (path.isEmpty() ? "top-level keys" : "under '" + path + "'")
                + ": "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
    }
    return node;
  }

  private int port(JsonNode node, String key, int defaultPort) {
    if (node == null || node.isNull()) {
      return defaultPort;
    }
    if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 65_535) {
      throw error("'" + key + "' must be a port number from 1 to 65535, got " + node);
    }
    return node.asInt();
  }

  private int clusterSize(JsonNode node) {
    if (node == null || node.isNull()) {
      return 1;
    }
    if (!node.isIntegralNumber()
        || node.asLong() < 1
        || node.asLong() > LauncherConfig.MAX_NATS_CLUSTER_SIZE) {
      throw error(
          "'nats.cluster-size' must be 1 to " + LauncherConfig.MAX_NATS_CLUSTER_SIZE + ", got " + node);
    }
    return node.asInt();
  }

  private String text(JsonNode node, String key, String defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw error("'" + key + "' must be a non-empty string, got " + node);
    }
    return node.asText();
  }

  private boolean bool(JsonNode node, String key, boolean defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isBoolean()) {
      throw error("'" + key + "' must be true or false, got " + node);
    }
    return node.asBoolean();
  }

  private List<String> stringList(JsonNode node, String key, List<String> defaultValue) {
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isArray()) {
      throw error("'" + key + "' must be a list of strings, e.g. [-Xmx256m, -XX:+UseSerialGC]");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isTextual() || element.asText().isBlank()) {
        throw error("'" + key + "' must be a list of non-empty strings, got " + element);
      }
      values.add(element.asText());
    }
    return values;
  }

  private Map<String, String> environment(JsonNode node, String key) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw error("'" + key + "' must be a mapping of variable names to values");
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw error(
            "'" + key + "." + field.getKey() + "' is not a valid environment variable name");
      }
      if (!field.getValue().isValueNode() || field.getValue().isNull()) {
        throw error("'" + key + "." + field.getKey() + "' must be a plain value");
      }
      variables.put(field.getKey(), field.getValue().asText());
    }
    return variables;
  }

  private ConfigException error(String detail) {
    return new ConfigException(source + ": " + detail);
  }
}
