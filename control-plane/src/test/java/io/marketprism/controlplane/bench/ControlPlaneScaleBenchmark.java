package io.marketprism.controlplane.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.Server;
import io.grpc.xds.XdsNameResolverProvider;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.registry.InstanceKey;
import io.marketprism.controlplane.xds.NodeTracker;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Control-plane scale: 1,000 instances of 100 services, 200 connected xDS clients (grpc-java, in 100 node groups),
 * each watching one service. Measures the time from a registry change to every client having ACKed the new
 * endpoints, and the heap. Runs only with {@code -Dbenchmark=true}:
 *
 * <pre>{@code
 * mvn -B -q -o -pl control-plane test -Dtest=ControlPlaneScaleBenchmark -Dbenchmark=true -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
@WithNats
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ControlPlaneScaleBenchmark {

  private static final int SERVICES = 100;
  private static final int INSTANCES = 1_000;
  private static final int CLIENTS = 200;
  /** Quick mode keeps the scale (what the goal is about) and makes half the changes. */
  private static final int CHANGES = BenchmarkResults.choose("bench.changes", 10, 5);

  @Test
  void run(NatsServer nats) throws Exception {
    ControlPlane cp = ControlPlane.start(ControlPlane.Settings.defaults(nats.url())
        .withBucket("scale-" + UUID.randomUUID().toString().substring(0, 8))
        // instances here are not real servers: health is recorded by the benchmark, not checked
        .withHealth(new HealthCheckSettings(Duration.ofHours(1), Duration.ofSeconds(1), 1, 1)));
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    cp.grpcServices().forEach(builder::addService);
    Server server = builder.build().start();
    int port = server.getPort();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      long registerStart = System.nanoTime();
      for (int i = 0; i < INSTANCES; i++) {
        Instance instance = instance(i % SERVICES, i);
        cp.registry().register(instance, Duration.ofMinutes(5));
        cp.registry().recordHealth(InstanceKey.of(instance), InstanceState.INSTANCE_STATE_SERVING);
      }
      System.out.printf("registered %d instances of %d services in %.1f s%n", INSTANCES, SERVICES,
          (System.nanoTime() - registerStart) / 1e9);
      long heapBeforeClients = heapAfterGc();

      for (int c = 0; c < CLIENTS; c++) {
        Map<String, Object> bootstrap = Map.of(
            "xds_servers", List.of(Map.of("server_uri", "127.0.0.1:" + port,
                "channel_creds", List.of(Map.of("type", "insecure")), "server_features", List.of("xds_v3"))),
            "node", Map.of("id", "client-" + c, "cluster", "caller-" + (c % SERVICES)));
        String scheme = "scale-" + c;
        @SuppressWarnings("deprecation")
        ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(scheme + ":///svc-" + (c % SERVICES),
                InsecureChannelCredentials.create())
            .nameResolverFactory(XdsNameResolverProvider.createForTest(scheme, bootstrap))
            .build();
        channel.getState(true);
        channels.add(channel);
      }
      waitUntil(() -> ackedEndpoints(cp) >= CLIENTS, Duration.ofMinutes(2));
      System.out.printf("%d clients connected, every one ACKed its endpoints%n", CLIENTS);

      List<Long> updateMillis = new ArrayList<>();
      for (int change = 0; change < CHANGES; change++) {
        Instance added = instance(change % SERVICES, INSTANCES + change);
        Map<String, String> before = new HashMap<>();
        for (NodeTracker.NodeStatus node : cp.nodes().nodes()) {
          before.put(node.group(), cp.snapshots().snapshot(node.group()).endpoints().version());
        }
        long start = System.nanoTime();
        cp.registry().register(added, Duration.ofMinutes(5));
        cp.registry().recordHealth(InstanceKey.of(added), InstanceState.INSTANCE_STATE_SERVING);
        Map<Long, Long> seen = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < CLIENTS && System.nanoTime() < deadline) {
          for (NodeTracker.NodeStatus node : cp.nodes().nodes()) {
            if (!seen.containsKey(node.streamId()) && acked(cp, node)
                && !cp.snapshots().snapshot(node.group()).endpoints().version().equals(before.get(node.group()))) {
              seen.put(node.streamId(), (System.nanoTime() - start) / 1_000_000);
            }
          }
          Thread.sleep(2);
        }
        updateMillis.addAll(seen.values());
        System.out.printf("change %d: %d/%d clients updated, slowest %d ms%n", change, seen.size(), CLIENTS,
            seen.values().stream().mapToLong(Long::longValue).max().orElse(-1));
      }
      long[] sorted = updateMillis.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%n== registry change → client ACKed new endpoints, %d client updates (%d changes × %d clients)%n",
          sorted.length, CHANGES, CLIENTS);
      System.out.printf("p50 %d ms, p99 %d ms, max %d ms%n", sorted[sorted.length / 2],
          sorted[(int) (sorted.length * 0.99)], sorted[sorted.length - 1]);
      System.out.printf("heap after GC: %d MiB with the registry loaded, %d MiB with %d xDS clients in the same JVM%n",
          heapBeforeClients >> 20, heapAfterGc() >> 20, CLIENTS);
      System.out.printf("snapshot builds: %d, refused: %d, NACKs: %d%n",
          cp.snapshots().builds(), cp.snapshots().rejectedSnapshots(), cp.nodes().nackCount());
      BenchmarkResults results = BenchmarkResults.start(ControlPlaneScaleBenchmark.class);
      long p99 = sorted[(int) (sorted.length * 0.99)];
      boolean everyClientUpdated = sorted.length == CHANGES * CLIENTS;
      results.figure("change.p99", String.format("registry change → every one of %d xDS clients ACKed (%,d"
          + " instances, %d services; %,d of %,d updates seen)", CLIENTS, INSTANCES, SERVICES, sorted.length,
          CHANGES * CLIENTS), p99, "ms p99", "p99 < 1 s, every client updated", p99 < 1000 && everyClientUpdated);
      results.figure("heap", "control-plane heap after GC with the registry loaded", heapBeforeClients >> 20, "MiB",
          "< 512 MiB", (heapBeforeClients >> 20) < 512);
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      server.shutdownNow();
      cp.close();
    }
  }

  private static Instance instance(int service, int index) {
    return Instance.newBuilder()
        .setService("svc-" + service)
        .setInstanceId("i-" + index)
        .setAddress(Endpoint.newBuilder().setHost("10.0." + (index / 250) + "." + (index % 250 + 1)).setPort(7000))
        .setZone("zone-" + (index % 3))
        .setVersion("1.0")
        .build();
  }

  private static int ackedEndpoints(ControlPlane cp) {
    int acked = 0;
    for (NodeTracker.NodeStatus node : cp.nodes().nodes()) {
      if (acked(cp, node)) {
        acked++;
      }
    }
    return acked;
  }

  /** The node ACKed the endpoints version its group's snapshot holds now. */
  private static boolean acked(ControlPlane cp, NodeTracker.NodeStatus node) {
    Snapshot snapshot = cp.snapshots().snapshot(node.group());
    if (snapshot == null) {
      return false;
    }
    String current = snapshot.endpoints().version();
    return node.types().stream().anyMatch(t -> t.typeUrl().equals(Resources.V3.ENDPOINT_TYPE_URL)
        && t.ackedVersion().equals(current));
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + timeout);
      }
      Thread.sleep(20);
    }
  }
}
