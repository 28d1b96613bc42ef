package io.marketprism.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What {@code marketprism status} shows: every component with its live health.
 *
 * <pre>{@code
 * {"services": [{"name": "control-plane", "address": "127.0.0.1:7100", "health": "SERVING",
 *                "admin": "http://127.0.0.1:7190", "plaintext_ads": "127.0.0.1:7110"},
 *               {"name": "api-gateway", "address": "127.0.0.1:7104", "health": "SERVING",
 *                "http": "http://127.0.0.1:8080"}, ...],
 *  "infrastructure": [{"name": "nats", "address": "127.0.0.1:14222", "health": "UP",
 *                      "url": "nats://127.0.0.1:14222", "monitor": "http://127.0.0.1:18222"},
 *                     {"name": "clickhouse", "address": "127.0.0.1:18123", "health": "UP", "http": ..., "tcp": ...,
 *                      "jdbc": ...}]}
 * }</pre>
 *
 * A service's {@code health} is read live from {@code grpc.health.v1} (SERVING, NOT_SERVING,
 * UNKNOWN, SERVICE_UNKNOWN, or DOWN when nothing answers): on its plaintext {@code health_address}
 * when it runs in the mesh (its gRPC port then requires a client certificate), else on its gRPC
 * port. Infrastructure is UP or DOWN. {@code "mesh"} says whether the services run in the mesh.
 *
 * @param rows one per component, in start order
 * @param mesh the run's mesh
 */
record StatusReport(List<Row> rows, RunState.Mesh mesh) {

  /** Fields of a service's entry in {@code --json}, besides name/address/health. */
  private static final List<String> SERVICE_JSON_FIELDS =
      List.of("http", "admin", ComponentState.HEALTH_ADDRESS, ComponentState.PLAINTEXT_ADS);

  /**
   * One component and its health.
   *
   * @param component as recorded (or planned)
   * @param health SERVING, DOWN, UP, ...
   */
  record Row(ComponentState component, String health) {}

  /** Probes every component in parallel; each probe has its own short deadline. */
  static StatusReport probe(
      List<ComponentState> components, RunState.Mesh mesh, StatusProbe probe) {
    List<CompletableFuture<Row>> rows = new ArrayList<>();
    for (ComponentState component : components) {
      rows.add(CompletableFuture.supplyAsync(() -> new Row(component, health(component, probe))));
    }
    return new StatusReport(rows.stream().map(CompletableFuture::join).toList(), mesh);
  }

  /** Probes the components a state file records. */
  static StatusReport probe(RunState state, StatusProbe probe) {
    return probe(state.components(), state.mesh(), probe);
  }

  private static String health(ComponentState component, StatusProbe probe) {
    if (component.kind().equals(ComponentState.SERVICE)) {
      return probe.grpcHealth(component.healthCheckAddress());
    }
    String url =
        component.endpoints().containsKey("monitor")
            ? component.endpoints().get("monitor") + "/healthz"
            : component.endpoints().get("http") + "/ping";
    return probe.httpOk(url) ? "UP" : "DOWN";
  }

  /** The {@code --json} document. */
  ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode services = root.putArray("services");
    ArrayNode infrastructure = root.putArray("infrastructure");
    for (Row row : rows) {
      ComponentState component = row.component();
      boolean service = component.kind().equals(ComponentState.SERVICE);
      ObjectNode entry = (service ? services : infrastructure).addObject();
      entry.put("name", component.name());
      entry.put("address", component.address());
      entry.put("health", row.health());
      for (Map.Entry<String, String> endpoint : component.endpoints().entrySet()) {
        if (!service || SERVICE_JSON_FIELDS.contains(endpoint.getKey())) {
          entry.put(endpoint.getKey(), endpoint.getValue());
        }
      }
    }
    ObjectNode meshNode = root.putObject("mesh");
    meshNode.put("enabled", mesh.enabled());
    if (mesh.enabled()) {
      meshNode.put("control_plane", mesh.controlPlane());
      meshNode.put("policy", mesh.policy());
      meshNode.put("ca", mesh.ca());
    }
    return root;
  }

  /** True when every service answers SERVING and all infrastructure is UP. */
  boolean allHealthy() {
    return rows.stream()
        .allMatch(row -> row.health().equals("SERVING") || row.health().equals("UP"));
  }

  /** A table for people. */
  String toTable() {
    StringBuilder table = new StringBuilder();
    table.append(
        String.format("%-22s %-18s %-12s %s%n", "COMPONENT", "ADDRESS", "HEALTH", "ENDPOINTS"));
    for (Row row : rows) {
      ComponentState component = row.component();
      List<String> extras = new ArrayList<>();
      component
          .endpoints()
          .forEach(
              (name, value) -> {
                if (!name.equals("jdbc")) {
                  extras.add(name + "=" + value);
                }
              });
      java.util.Collections.sort(extras);
      table.append(
          String.format(
              "%-22s %-18s %-12s %s%n",
              component.name(), component.address(), row.health(), String.join(" ", extras)));
    }
    table.append(System.lineSeparator());
    consoleUrl().ifPresent(url -> table.append(String.format(
        "console: %s/ (log in with a token from `./marketprism token --role reader|operator|admin`)%n%n", url)));
    table.append(howToCall());
    return table.toString();
  }

  /** The gateway's HTTP address, where it serves the web console at {@code /}; empty when the gateway is not run. */
  Optional<String> consoleUrl() {
    return rows.stream()
        .map(Row::component)
        .filter(component -> component.name().equals("api-gateway"))
        .map(component -> component.endpoints().get("http"))
        .filter(Objects::nonNull)
        .findFirst();
  }

  /** How to call a service in this run: over mTLS with an operator certificate, or plaintext. */
  private String howToCall() {
    String example = "/marketprism.storage.v1.StorageService/ListTrades";
    if (!mesh.enabled()) {
      return String.format(
          "mesh: off (up --no-mesh, or mesh.enabled: false); every gRPC port is plaintext:%n"
              + "  buf curl --protocol grpc --http2-prior-knowledge http://<address>%s%n",
          example);
    }
    return String.format(
        "mesh: on; xDS from the control plane at %s, policy %s%n"
            + "  gRPC ports need a mesh client certificate (mTLS STRICT unless the policy says"
            + " otherwise):%n"
            + "  ./marketprism pki issue --name <you> --out <dir>%n"
            + "  buf curl --protocol grpc --cert <dir>/cert.pem --key <dir>/key.pem"
            + " --cacert <dir>/ca.pem https://<address>%s%n"
            + "  plaintext health checks: health_address%n",
        mesh.controlPlane(), mesh.policy(), example);
  }
}
