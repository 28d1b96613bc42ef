package io.marketprism.controlplane.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.controlplane.snapshot.UnservedVersions;
import io.marketprism.controlplane.xds.NodeTracker;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.registry.v1.Instance;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The control plane's operator views over HTTP/JSON:
 *
 * <ul>
 *   <li>{@code GET /healthz} — 200 {@code {"status":"SERVING"}} or 503;
 *   <li>{@code GET /nodes} — every connected xDS node: id, service (node group), and per resource type what it asked
 *       for, the version it was sent, the version it ACKed, and its last NACK error; ACK/NACK totals;
 *   <li>{@code GET /registry} — every registered instance (proto3 JSON);
 *   <li>{@code GET /policy} — when the policy was loaded, the services it names, why the newest file was rejected,
 *       if it was, and {@code unserved_versions}: per service, the versions its split or header routes send calls to
 *       that none of its registered instances runs ({@link UnservedVersions});
 *   <li>{@code GET /snapshots} — per node group, the versions set in the cache and the last refused snapshot's reason.
 * </ul>
 *
 * CSDS ({@code envoy.service.status.v3.ClientStatusDiscoveryService}) gives the same node view over gRPC. Serves on
 * two small threads; read-only.
 */
public final class AdminServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  public static AdminServer start(String host, int port, ControlPlane controlPlane, ServiceHealth health) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "admin-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/healthz", exchange -> {
      ServingStatus status = health.status(ServiceHealth.OVERALL);
      respond(exchange, status == ServingStatus.SERVING ? 200 : 503, Map.of("status", status.name()));
    });
    server.createContext("/nodes", exchange -> respond(exchange, 200, nodes(controlPlane)));
    server.createContext("/registry", exchange -> respond(exchange, 200, registry(controlPlane)));
    server.createContext("/policy", exchange -> respond(exchange, 200, policy(controlPlane)));
    server.createContext("/snapshots", exchange -> respond(exchange, 200, snapshots(controlPlane)));
    server.createContext("/", exchange -> respond(exchange, 404,
        Map.of("error", "not found; try /healthz, /nodes, /registry, /policy, /snapshots")));
    server.start();
    return new AdminServer(server);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  static Map<String, Object> nodes(ControlPlane cp) {
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeTracker.NodeStatus node : cp.nodes().nodes()) {
      List<Map<String, Object>> types = new ArrayList<>();
      for (NodeTracker.TypeStatus type : node.types()) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", type.typeUrl());
        t.put("requested", type.requestedNames());
        t.put("sent_version", type.sentVersion());
        t.put("sent_resources", type.sentResources().size());
        t.put("acked_version", type.ackedVersion());
        t.put("status", type.nackError().isPresent() ? "NACKED"
            : !type.sentVersion().isEmpty() && type.sentVersion().equals(type.ackedVersion()) ? "ACKED" : "PENDING");
        type.nackError().ifPresent(e -> t.put("nack_error", e));
        t.put("nack_count", type.nackCount());
        types.add(t);
      }
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", node.node().getId());
      n.put("cluster", node.node().getCluster());
      n.put("group", node.group());
      n.put("user_agent", node.node().getUserAgentName() + " " + node.node().getUserAgentVersion());
      n.put("connected_at", node.connectedAt().toString());
      n.put("resources", types);
      nodes.add(n);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("acks", cp.nodes().ackCount());
    out.put("nacks", cp.nodes().nackCount());
    out.put("nodes", nodes);
    return out;
  }

  static Map<String, Object> registry(ControlPlane cp) throws IOException {
    List<Object> instances = new ArrayList<>();
    for (Instance instance : cp.registryView().instances(i -> true)) {
      try {
        instances.add(JSON.readTree(JsonFormat.printer().print(instance)));
      } catch (InvalidProtocolBufferException e) {
        throw new IOException(e);
      }
    }
    return Map.of("instances", instances);
  }

  static Map<String, Object> policy(ControlPlane cp) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("loaded_at", cp.policy().loadedAt().toString());
    out.put("services", cp.policy().current().serviceNames());
    out.put("last_error", cp.policy().lastError().orElse(null));
    List<Map<String, Object>> unserved = new ArrayList<>();
    for (UnservedVersions.Gap gap : cp.snapshots().unservedVersions()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("service", gap.service());
      g.put("versions", gap.versions());
      g.put("registered_versions", gap.registered());
      g.put("warning", gap.message());
      unserved.add(g);
    }
    out.put("unserved_versions", unserved);
    return out;
  }

  static Map<String, Object> snapshots(ControlPlane cp) {
    Map<String, Object> groups = new LinkedHashMap<>();
    for (NodeTracker.NodeStatus node : cp.nodes().nodes()) {
      groups.computeIfAbsent(node.group(), g -> {
        Map<String, Object> s = new LinkedHashMap<>();
        Snapshot snapshot = cp.snapshots().snapshot(g);
        if (snapshot != null) {
          s.put("listeners", snapshot.listeners().version());
          s.put("routes", snapshot.routes().version());
          s.put("clusters", snapshot.clusters().version());
          s.put("endpoints", snapshot.endpoints().version());
          s.put("secrets", snapshot.secrets().version());
        }
        cp.snapshots().rejection(g).ifPresent(r -> s.put("refused", r));
        return s;
      });
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("builds", cp.snapshots().builds());
    out.put("refused", cp.snapshots().rejectedSnapshots());
    out.put("groups", groups);
    return out;
  }

  private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
