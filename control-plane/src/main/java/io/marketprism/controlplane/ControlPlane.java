package io.marketprism.controlplane;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.BindableService;
import io.marketprism.controlplane.api.CallerIdentity;
import io.marketprism.controlplane.api.RegistryApi;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.health.HealthChecker;
import io.marketprism.controlplane.policy.PolicyException;
import io.marketprism.controlplane.policy.PolicySource;
import io.marketprism.controlplane.registry.NatsRegistryStore;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.registry.RegistryStore;
import io.marketprism.controlplane.registry.RegistryView;
import io.marketprism.controlplane.snapshot.EnvoySettings;
import io.marketprism.controlplane.snapshot.MeshNodeGroup;
import io.marketprism.controlplane.snapshot.RequestedNames;
import io.marketprism.controlplane.snapshot.SnapshotBuilder;
import io.marketprism.controlplane.snapshot.SnapshotPublisher;
import io.marketprism.controlplane.xds.CsdsService;
import io.marketprism.controlplane.xds.NackAwareConfigWatcher;
import io.marketprism.controlplane.xds.NodeTracker;
import io.marketprism.controlplane.xds.SidecarRegistrar;
import io.marketprism.controlplane.xds.StreamNodeInterceptor;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One control-plane replica, assembled in the order data flows: registry (NATS key-value) → health checks → policy →
 * snapshot publisher → ADS/CSDS. {@link #grpcServices()} are served on the replica's gRPC port; several replicas on
 * one bucket serve the same mesh.
 *
 * <pre>{@code
 * ControlPlane cp = ControlPlane.start(ControlPlane.Settings.defaults("nats://127.0.0.1:4222"));
 * server.addService(cp.grpcServices()...);
 * }</pre>
 */
public final class ControlPlane implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
  /** An Envoy sidecar's instance lease, renewed while its ADS stream lives (as the service kit's default). */
  private static final Duration SIDECAR_LEASE = Duration.ofSeconds(30);
  /** How long a sidecar's instance drains after its stream ends (as the service kit's default). */
  private static final Duration SIDECAR_DRAIN = Duration.ofSeconds(10);

  /**
   * @param natsUrl the NATS server holding the registry bucket
   * @param bucket the registry's key-value bucket
   * @param policyFile the mesh policy file; empty = no policy (every service gets xDS defaults, plaintext)
   * @param policyPoll how often the policy file is checked for changes
   * @param health how instances are health-checked
   * @param reapInterval how often expired leases and finished drains are removed
   * @param snapshotDebounce changes within this window share one snapshot rebuild
   * @param envoy what Envoy sidecars and gateways get beyond the registry and the policy
   */
  public record Settings(
      String natsUrl, String bucket, int registryReplicas, Optional<Path> policyFile, Duration policyPoll, HealthCheckSettings health,
      Duration reapInterval, Duration snapshotDebounce, Clock clock, EnvoySettings envoy) {

    public static Settings defaults(String natsUrl) {
      return new Settings(natsUrl, "mesh-registry", 1, Optional.empty(), Duration.ofSeconds(2),
          new HealthCheckSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3),
          Duration.ofSeconds(1), Duration.ofMillis(20), Clock.systemUTC(), EnvoySettings.defaults());
    }

    public Settings withEnvoy(EnvoySettings envoy) {
      return new Settings(
          natsUrl, bucket, registryReplicas, policyFile, policyPoll, health, reapInterval, snapshotDebounce, clock, envoy);
    }

    public Settings withBucket(String bucket) {
      return new Settings(
          natsUrl, bucket, registryReplicas, policyFile, policyPoll, health, reapInterval, snapshotDebounce, clock, envoy);
    }

    public Settings withPolicyFile(Path file) {
      return new Settings(
          natsUrl, bucket, registryReplicas, Optional.of(file), policyPoll, health, reapInterval, snapshotDebounce, clock, envoy);
    }

    public Settings withHealth(HealthCheckSettings health) {
      return new Settings(
          natsUrl, bucket, registryReplicas, policyFile, policyPoll, health, reapInterval, snapshotDebounce, clock, envoy);
    }

    public Settings withPolicyPoll(Duration poll) {
      return new Settings(
          natsUrl, bucket, registryReplicas, policyFile, poll, health, reapInterval, snapshotDebounce, clock, envoy);
    }
  }

  private final List<AutoCloseable> closeInReverse = new ArrayList<>();
  private Registry registry;
  private RegistryView view;
  private PolicySource policy;
  private HealthChecker healthChecker;
  private SnapshotPublisher publisher;
  private NodeTracker tracker;
  private V3DiscoveryServer discovery;
  private V3DiscoveryServer readOnlyDiscovery;
  private CsdsService csds;

  private ControlPlane() {}

  /**
   * Connects to NATS, loads the registry and the policy, starts health checks and snapshot publishing.
   *
   * @throws Exception if NATS, the bucket or the policy file cannot be used (everything started is closed again)
   */
  public static ControlPlane start(Settings settings) throws Exception {
    ControlPlane cp = new ControlPlane();
    try {
      cp.startComponents(settings);
      return cp;
    } catch (Exception e) {
      cp.close();
      throw e;
    }
  }

  private void startComponents(Settings settings)
      throws IOException, InterruptedException, RegistryStore.StoreException, PolicyException {
    Connection nats = Nats.connect(Options.builder()
        .server(settings.natsUrl())
        .connectionName("control-plane")
        .maxReconnects(-1)
        .connectionListener((conn, event) -> {
          if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.RECONNECTED) {
            log.warn("NATS {}: registry writes {}", event, event == ConnectionListener.Events.RECONNECTED ? "resume" : "fail until reconnected");
          }
        })
        .build());
    closeInReverse.add(nats::close);
    RegistryStore store = NatsRegistryStore.open(nats, settings.bucket(), settings.registryReplicas());
    view = RegistryView.watching(store);
    closeInReverse.add(view);
    if (!view.awaitSynced(Duration.ofSeconds(30))) {
      throw new IOException("registry bucket " + settings.bucket() + " did not load within 30s");
    }
    registry = new Registry(store, view, settings.clock());

    healthChecker = new HealthChecker(registry, settings.health(), settings.clock());
    closeInReverse.add(healthChecker);
    healthChecker.start();
    ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "registry-reaper");
      t.setDaemon(true);
      return t;
    });
    closeInReverse.add(reaper::shutdownNow);
    long reapMillis = settings.reapInterval().toMillis();
    reaper.scheduleWithFixedDelay(registry::removeExpired, reapMillis, reapMillis, TimeUnit.MILLISECONDS);

    policy = settings.policyFile().isPresent()
        ? PolicySource.watching(settings.policyFile().get(), settings.policyPoll())
        : PolicySource.fixed(io.marketprism.controlplane.policy.MeshPolicy.EMPTY);
    closeInReverse.add(policy);

    SnapshotBuilder builder = new SnapshotBuilder(settings.envoy());
    // a gateway route to a service missing from the contracts is a configuration error: refuse to start with it
    builder.checkGatewayRoutes();
    RequestedNames requested = new RequestedNames();
    SimpleCache<String> cache = new SimpleCache<>(new MeshNodeGroup());
    publisher = new SnapshotPublisher(cache, view, policy, requested, settings.snapshotDebounce().toMillis(), builder);
    closeInReverse.add(publisher);
    publisher.start();

    tracker = new NodeTracker(requested);
    SidecarRegistrar sidecars = new SidecarRegistrar(registry, settings.envoy().inboundPort(),
        settings.envoy().healthPort(), SIDECAR_LEASE, SIDECAR_DRAIN);
    closeInReverse.add(sidecars);
    discovery = new V3DiscoveryServer(List.of(tracker, sidecars), new NackAwareConfigWatcher(cache, tracker));
    // the same snapshots without the sidecar registrar: a stream here never writes to the registry
    readOnlyDiscovery = new V3DiscoveryServer(List.of(tracker), new NackAwareConfigWatcher(cache, tracker));
    csds = new CsdsService(tracker);
  }

  /** The registry API, ADS and CSDS: serve them on the replica's gRPC port. */
  public List<BindableService> grpcServices() {
    return List.of(
        () -> io.grpc.ServerInterceptors.intercept(new RegistryApi(registry), new CallerIdentity()),
        // the registrar takes a sidecar's instance address from its ADS stream's peer
        () -> io.grpc.ServerInterceptors.intercept(
            discovery.getAggregatedDiscoveryServiceImpl(), SidecarRegistrar.peerAddress()),
        csds);
  }

  /**
   * ADS alone, read-only: the same snapshots as {@link #grpcServices()}, but no registry API and no sidecar
   * registration from a stream. For the plaintext loopback endpoint ({@code xds.LoopbackAdsServer}), whose clients
   * (grpc-js, C-core) name their node only in a stream's first request.
   */
  public BindableService readOnlyAdsService() {
    return () -> io.grpc.ServerInterceptors.intercept(
        readOnlyDiscovery.getAggregatedDiscoveryServiceImpl(), new StreamNodeInterceptor());
  }

  public Registry registry() {
    return registry;
  }

  public RegistryView registryView() {
    return view;
  }

  public PolicySource policy() {
    return policy;
  }

  public NodeTracker nodes() {
    return tracker;
  }

  public SnapshotPublisher snapshots() {
    return publisher;
  }

  public HealthChecker healthChecker() {
    return healthChecker;
  }

  @Override
  public void close() {
    for (int i = closeInReverse.size() - 1; i >= 0; i--) {
      try {
        closeInReverse.get(i).close();
      } catch (Exception e) {
        log.warn("closing a control-plane component failed", e);
      }
    }
    closeInReverse.clear();
  }
}
