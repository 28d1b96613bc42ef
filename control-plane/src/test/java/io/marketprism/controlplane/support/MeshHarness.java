package io.marketprism.controlplane.support;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.ControlPlane;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.snapshot.EnvoySettings;
import io.marketprism.kit.server.PolicyDenials;
import io.marketprism.registry.v1.Instance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A control plane on a loopback port (registry in the test NATS, policy from a file) with xDS-managed backends and
 * {@code xds:///} clients that take their bootstrap from it. Backends answer {@code SimpleService/UnaryRpc} with
 * their instance id. Everything it starts is closed by {@link #close()}.
 */
public final class MeshHarness implements AutoCloseable {

  private static final AtomicInteger SCHEMES = new AtomicInteger();

  private final String natsUrl;
  private ControlPlane controlPlane;
  private Server controlServer;
  private final Path policyFile;
  private final String bucket;
  private final EnvoySettings envoy;
  private final List<AutoCloseable> closing = new ArrayList<>();

  public MeshHarness(String natsUrl, Path dir, String policyYaml) throws Exception {
    this(natsUrl, dir, policyYaml, EnvoySettings.defaults());
  }

  /** With what Envoy nodes get set to {@code envoy} (ports, certificate directory, gateway). */
  public MeshHarness(String natsUrl, Path dir, String policyYaml, EnvoySettings envoy) throws Exception {
    this.envoy = envoy;
    policyFile = dir.resolve("mesh-policy.yaml");
    Files.writeString(policyFile, policyYaml);
    bucket = "mesh-test-" + UUID.randomUUID().toString().substring(0, 8);
    this.natsUrl = natsUrl;
    startControlPlane(0);
  }

  private void startControlPlane(int port) throws Exception {
    controlPlane = ControlPlane.start(ControlPlane.Settings.defaults(natsUrl)
        .withEnvoy(envoy)
        .withBucket(bucket)
        .withPolicyFile(policyFile)
        .withPolicyPoll(Duration.ofMillis(100))
        .withHealth(new HealthCheckSettings(Duration.ofMillis(100), Duration.ofSeconds(1), 1, 1)));
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    controlPlane.grpcServices().forEach(builder::addService);
    controlServer = builder.build().start();
    controlPort();
  }

  /** Stops the control plane as a crash would (its ADS streams break); the registry stays in NATS. */
  public void stopControlPlane() {
    controlServer.shutdownNow();
    controlPlane.close();
  }

  /** Starts a fresh control plane on the same port and bucket, as a restarted replica. */
  public void restartControlPlane() throws Exception {
    startControlPlane(controlPort);
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  private int controlPort;

  public int controlPort() {
    if (controlPort == 0) {
      controlPort = ((InetSocketAddress) controlServer.getListenSockets().get(0)).getPort();
    }
    return controlPort;
  }

  public Path policyFile() {
    return policyFile;
  }

  /** Starts another replica on the same registry bucket and policy file; closed with the harness. Returns its port. */
  public int startReplica() throws Exception {
    ControlPlane replica = ControlPlane.start(ControlPlane.Settings.defaults(natsUrl)
        .withBucket(bucket)
        .withPolicyFile(policyFile)
        .withPolicyPoll(Duration.ofMillis(100))
        .withHealth(new HealthCheckSettings(Duration.ofMillis(100), Duration.ofSeconds(1), 1, 1)));
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    replica.grpcServices().forEach(builder::addService);
    Server server = builder.build().start();
    closing.add(replica);
    closing.add(server::shutdownNow);
    return server.getPort();
  }

  /** An xDS channel whose bootstrap lists these control-plane ports, in order (the first is the primary). */
  public ManagedChannel clientOf(String service, List<Integer> controlPorts) {
    String scheme = "xds-test-" + SCHEMES.incrementAndGet();
    Map<String, Object> bootstrap = new LinkedHashMap<>(bootstrap("test-client", Map.of()));
    bootstrap.put("xds_servers", controlPorts.stream().map(p -> Map.of(
        "server_uri", "127.0.0.1:" + p,
        "channel_creds", List.of(Map.of("type", "insecure")),
        "server_features", List.of("xds_v3"))).toList());
    ManagedChannel channel = withResolver(
        Grpc.newChannelBuilder(scheme + ":///" + service, XdsChannelCredentials.create(InsecureChannelCredentials.create())),
        XdsNameResolverProvider.createForTest(scheme, bootstrap))
        .build();
    closing.add(channel::shutdownNow);
    return channel;
  }

  /** A grpc-xds bootstrap naming this control plane; {@code cluster} is the node's service (its node group). */
  public Map<String, Object> bootstrap(String cluster, Map<String, Object> certificateProviders) {
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("xds_servers", List.of(Map.of(
        "server_uri", "127.0.0.1:" + controlPort(),
        "channel_creds", List.of(Map.of("type", "insecure")),
        "server_features", List.of("xds_v3"))));
    bootstrap.put("node", Map.of("id", cluster + "~" + UUID.randomUUID(), "cluster", cluster,
        "locality", Map.of("zone", "local")));
    bootstrap.put("server_listener_resource_name_template", "grpc/server?xds.resource.listening_address=%s");
    if (!certificateProviders.isEmpty()) {
      bootstrap.put("certificate_providers", certificateProviders);
    }
    return bootstrap;
  }

  /** An xDS channel to {@code xds:///<service>} (its own scheme, so it uses this harness's bootstrap). */
  public ManagedChannel client(String service) {
    return client(service, "test-client", InsecureChannelCredentials.create(), Map.of());
  }

  public ManagedChannel client(
      String service, String cluster, ChannelCredentials fallback, Map<String, Object> certificateProviders) {
    return channel(service, fallback, bootstrap(cluster, certificateProviders));
  }

  /** An xDS channel to {@code xds:///<target>} with a bootstrap of the caller's (any node identity). */
  public ManagedChannel channel(String target, Map<String, Object> bootstrap) {
    return channel(target, InsecureChannelCredentials.create(), bootstrap);
  }

  private ManagedChannel channel(String target, ChannelCredentials fallback, Map<String, Object> bootstrap) {
    String scheme = "xds-test-" + SCHEMES.incrementAndGet();
    ManagedChannel channel = withResolver(
        Grpc.newChannelBuilder(scheme + ":///" + target, XdsChannelCredentials.create(fallback)),
        XdsNameResolverProvider.createForTest(scheme, bootstrap))
        .build();
    closing.add(channel::shutdownNow);
    return channel;
  }

  // the only public way to give one channel its own bootstrap; the default provider reads one per JVM
  @SuppressWarnings("deprecation")
  private static io.grpc.ManagedChannelBuilder<?> withResolver(
      io.grpc.ManagedChannelBuilder<?> builder, XdsNameResolverProvider provider) {
    return builder.nameResolverFactory(provider);
  }

  /** A started xDS-managed backend, registered in the registry. */
  public final class Backend implements AutoCloseable {
    public final String service;
    public final String instanceId;
    public final int port;
    final Server server;
    final BackendBehaviour behaviour;

    Backend(String service, String instanceId, int port, Server server, BackendBehaviour behaviour) {
      this.service = service;
      this.instanceId = instanceId;
      this.port = port;
      this.server = server;
      this.behaviour = behaviour;
    }

    /** From now on every call fails with INTERNAL (or succeeds again). */
    public void failing(boolean failing) {
      behaviour.failing.set(failing);
    }

    /** Calls carrying request message "hold" now in progress here. */
    public int held() {
      return behaviour.held.get();
    }

    /** Lets every held call finish. */
    public void release() {
      behaviour.release.countDown();
    }

    /** Stops at once, as a crash would (calls in flight fail); the registry entry stays until it is unhealthy. */
    public void kill() {
      server.shutdownNow();
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }

  public Backend backend(String service, String instanceId, String version) throws Exception {
    return backend(service, instanceId, version, InsecureServerCredentials.create(), Map.of(), 0);
  }

  /**
   * Starts an {@code XdsServerBuilder} server for {@code service} answering with {@code instanceId}, waits (bounded)
   * for its listener, and registers it. {@code healthPort} > 0 adds a plaintext health server there.
   */
  public Backend backend(
      String service, String instanceId, String version, ServerCredentials fallback,
      Map<String, Object> certificateProviders, int healthPort) throws Exception {
    int port = freePort();
    HealthStatusManager health = new HealthStatusManager();
    BackendBehaviour behaviour = new BackendBehaviour();
    XdsServerBuilder builder = XdsServerBuilder.forPort(port, XdsServerCredentials.create(fallback))
        .overrideBootstrapForTest(bootstrap(service, certificateProviders))
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            if (behaviour.failing.get()) {
              response.onError(io.grpc.Status.INTERNAL.withDescription(instanceId + " is failing").asRuntimeException());
              return;
            }
            if (request.getRequestMessage().equals("hold")) {
              behaviour.held.incrementAndGet();
              try {
                behaviour.release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              behaviour.held.decrementAndGet();
            }
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(instanceId).build());
            response.onCompleted();
          }
        })
        .addService(health.getHealthService());
    // as the service kit's XdsServerFactory builds it: policy refusals name the caller and the method
    Server server = PolicyDenials.buildWith(builder, service);
    // start() blocks until the control plane sends the listener; never wait forever
    CompletableFuture.runAsync(() -> {
      try {
        server.start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(30, TimeUnit.SECONDS);
    Backend backend = new Backend(service, instanceId, port, server, behaviour);
    closing.add(backend);
    int checkedPort = port;
    if (healthPort > 0) {
      Server healthServer = Grpc.newServerBuilderForPort(healthPort, InsecureServerCredentials.create())
          .addService(health.getHealthService()).build().start();
      closing.add(healthServer::shutdownNow);
      checkedPort = healthPort;
    }
    controlPlane.registry().register(Instance.newBuilder()
        .setService(service)
        .setInstanceId(instanceId)
        .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(port))
        .setHealthPort(healthPort > 0 ? checkedPort : 0)
        .setVersion(version)
        .setZone("local")
        .build(), Duration.ofMinutes(5));
    return backend;
  }

  /** What a backend does with calls; tests flip it. */
  static final class BackendBehaviour {
    final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    final AtomicInteger held = new AtomicInteger();
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Which instance answered one call. */
  public static String call(io.grpc.Channel channel, Map<String, String> headers) {
    io.grpc.Metadata metadata = new io.grpc.Metadata();
    headers.forEach((k, v) -> metadata.put(io.grpc.Metadata.Key.of(k, io.grpc.Metadata.ASCII_STRING_MARSHALLER), v));
    return SimpleServiceGrpc.newBlockingStub(channel)
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .unaryRpc(SimpleRequest.getDefaultInstance())
        .getResponseMessage();
  }

  @Override
  public void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort: the next resource must still be closed
      }
    }
    controlServer.shutdownNow();
    controlPlane.close();
  }

  public String bucket() {
    return bucket;
  }
}
