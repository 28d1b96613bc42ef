package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.snapshot.EnvoyNode;
import io.marketprism.controlplane.support.AdsStream;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plaintext ADS endpoint for xDS clients that cannot speak TLS to the control plane: the mesh's snapshots, on
 * 127.0.0.1 only, and nothing that writes to the registry.
 */
@WithNats
class LoopbackAdsServerTest {

  @Test
  void anXdsClientBootstrappedFromItReachesAMeshService(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "services: {svc: {mtls: DISABLE}}");
        LoopbackAdsServer ads = LoopbackAdsServer.start(0, mesh.controlPlane().readOnlyAdsService())) {
      mesh.backend("svc", "svc-1", "1.0.0");
      Map<String, Object> bootstrap = new LinkedHashMap<>(mesh.bootstrap("plain-client", Map.of()));
      bootstrap.put("xds_servers", List.of(Map.of(
          "server_uri", "127.0.0.1:" + ads.address().getPort(),
          "channel_creds", List.of(Map.of("type", "insecure")),
          "server_features", List.of("xds_v3"))));
      ManagedChannel channel = mesh.channel("svc", bootstrap);

      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> MeshHarness.call(channel, Map.of()).equals("svc-1"));
    }
  }

  @Test
  void servesTheListenersAndClustersOfTheMesh(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "defaults: {mtls: STRICT}");
        LoopbackAdsServer ads = LoopbackAdsServer.start(0, mesh.controlPlane().readOnlyAdsService());
        AdsStream stream = new AdsStream(ads.address().getPort(),
            Node.newBuilder().setId("plain-client~1").setCluster("plain-client").build())) {
      mesh.controlPlane().registry().register(instance("data-storage", "storage-1"), Duration.ofMinutes(5));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        DiscoveryResponse lds = stream.request(Resources.V3.LISTENER_TYPE_URL, List.of("data-storage"));
        assertThat(lds.getResourcesList()).extracting(r -> r.unpack(Listener.class).getName())
            .containsExactly("data-storage");
      });
      DiscoveryResponse cds = stream.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
      assertThat(cds.getResourcesList()).extracting(r -> r.unpack(Cluster.class).getName())
          .anySatisfy(name -> assertThat(name).contains("data-storage"));
    }
  }

  @Test
  void answersRequestsOfAStreamWhoseNodeCameOnlyWithItsFirstRequest(NatsServer nats, @TempDir Path dir)
      throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "defaults: {mtls: STRICT}");
        LoopbackAdsServer ads = LoopbackAdsServer.start(0, mesh.controlPlane().readOnlyAdsService());
        AdsStream stream = new AdsStream(ads.address().getPort(),
            Node.newBuilder().setId("xds-client~local").setCluster("xds-client").build())) {
      mesh.controlPlane().registry().register(instance("data-storage", "storage-1"), Duration.ofMinutes(5));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        DiscoveryResponse lds = stream.request(Resources.V3.LISTENER_TYPE_URL, List.of("data-storage"));
        assertThat(lds.getResourcesList()).isNotEmpty();
      });

      // what grpc-js sends next: the listener's route configuration, with no node
      DiscoveryResponse rds = stream.requestWithoutNode(Resources.V3.ROUTE_TYPE_URL, List.of("data-storage"));

      assertThat(rds.getResourcesList()).extracting(r -> r.unpack(RouteConfiguration.class).getName())
          .containsExactly("data-storage");
    }
  }

  @Test
  void refusesRegistryWritesAndRegistersNoSidecarFromAStream(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "defaults: {mtls: STRICT}");
        LoopbackAdsServer ads = LoopbackAdsServer.start(0, mesh.controlPlane().readOnlyAdsService())) {
      ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + ads.address().getPort(),
          InsecureChannelCredentials.create()).build();
      try {
        assertThatThrownBy(() -> RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
            .register(RegisterRequest.newBuilder().setInstance(instance("data-storage", "intruder")).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
      } finally {
        channel.shutdownNow();
      }

      // on the mTLS port this stream would register storage-sidecar-1 (SidecarRegistrationTest); here it only reads
      try (AdsStream sidecar = new AdsStream(ads.address().getPort(), Node.newBuilder().setId("storage-sidecar-1")
          .setCluster("data-storage")
          .setMetadata(Struct.newBuilder()
              .putFields(EnvoyNode.ROLE_KEY, Value.newBuilder().setStringValue("sidecar").build()))
          .build())) {
        sidecar.request(Resources.V3.CLUSTER_TYPE_URL, List.of());
        // a second round trip on the same stream: the registrar would have written by now
        sidecar.request(Resources.V3.LISTENER_TYPE_URL, List.of());
        assertThat(mesh.controlPlane().registryView().instances(i -> true)).isEmpty();
      }
    }
  }

  @Test
  void listensOnTheLoopbackInterfaceOnly(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "defaults: {mtls: STRICT}");
        LoopbackAdsServer ads = LoopbackAdsServer.start(0, mesh.controlPlane().readOnlyAdsService())) {
      assertThat(ads.address().getAddress().isLoopbackAddress()).isTrue();
      Optional<InetAddress> external = nonLoopbackAddress();
      Assumptions.assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address to try");
      try (Socket socket = new Socket()) {
        assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external.get(), ads.address().getPort()), 2000))
            .isInstanceOf(java.io.IOException.class);
      }
    }
  }

  private static Instance instance(String service, String id) {
    return Instance.newBuilder().setService(service).setInstanceId(id)
        .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(1)).setVersion("1.0.0").setZone("local")
        .build();
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return Optional.of(address);
          }
        }
      }
    }
    return Optional.empty();
  }
}
