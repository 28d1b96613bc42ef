package io.marketprism.kit.server;

import com.google.protobuf.util.Durations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.kit.client.ControlPlaneChannel;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.registry.v1.DeregisterRequest;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.KeepAliveRequest;
import io.marketprism.registry.v1.KeepAliveResponse;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegisterResponse;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the service with the control plane's registry ({@code marketprism.registry.v1.RegistryService}) and
 * keeps the lease alive on one KeepAlive stream, renewing every third of the lease. A lost stream is reopened on the
 * next tick; a lease the registry no longer knows (it expired while the control plane was away) is replaced by
 * registering again. {@link #drain()} deregisters with {@code mesh.drain-period} (the instance goes DRAINING and
 * gets no new calls); {@link #deregister()} removes it at once. With {@code mesh.control-plane-tls} the registry is
 * dialled over mTLS with the service's mesh certificate (the control plane lets it register only its own service).
 *
 * <p>Thread-safe: renewals, re-registration and stream handling run on one scheduler thread; gRPC callbacks only
 * hand work to it.
 */
public final class ControlPlaneRegistration implements ServiceRegistration {

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneRegistration.class);
  private static final long RPC_DEADLINE_SECONDS = 10;

  /**
   * Instance metadata key holding the port of the instance's Prometheus {@code /metrics} endpoint (on the instance's
   * address), so that monitoring scrapes every registered instance without a list of its own.
   */
  public static final String METRICS_PORT_METADATA = "metrics_port";

  private final MeshConfig mesh;
  private final String advertisedHost;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "registry-keepalive");
    t.setDaemon(true);
    return t;
  });
  private volatile ManagedChannel channel;
  private volatile Instance instance;
  // touched only on the scheduler thread
  private String leaseId;
  private StreamObserver<KeepAliveRequest> keepAlive;

  /** {@code advertisedHost}: the address other services dial ({@code grpc.host}, unless that is a wildcard). */
  public ControlPlaneRegistration(MeshConfig mesh, String advertisedHost) {
    this.mesh = mesh;
    this.advertisedHost = advertisedHost;
  }

  @Override
  public void register(ServiceInstance running) throws Exception {
    channel = ControlPlaneChannel.open(mesh);
    int port = running.grpcAddress().getPort();
    String id = mesh.instanceId().isBlank() ? (advertisedHost + "-" + port).replace(':', '.') : mesh.instanceId();
    Instance.Builder builder = Instance.newBuilder()
        .setService(running.service())
        .setInstanceId(id)
        .setAddress(Endpoint.newBuilder().setHost(advertisedHost).setPort(port))
        .setZone(mesh.zone())
        .setVersion(running.version());
    running.healthAddress().ifPresent(h -> builder.setHealthPort(h.getPort()));
    running.metricsAddress().ifPresent(m -> builder.putMetadata(METRICS_PORT_METADATA, Integer.toString(m.getPort())));
    instance = builder.build();
    scheduler.submit(this::registerNow).get();
    long period = mesh.leaseTtl().toMillis() / 3;
    scheduler.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  private Void registerNow() {
    RegisterResponse response = stub().register(RegisterRequest.newBuilder()
        .setInstance(instance)
        .setLeaseTtl(Durations.fromMillis(mesh.leaseTtl().toMillis()))
        .build());
    leaseId = response.getLeaseId();
    log.atInfo().addKeyValue("instance_id", instance.getInstanceId())
        .log("registered {} as {} with the control plane", instance.getService(), instance.getInstanceId());
    return null;
  }

  private void renew() {
    try {
      if (leaseId == null) {
        registerNow();
        return;
      }
      if (keepAlive == null) {
        keepAlive = RegistryServiceGrpc.newStub(channel).keepAlive(new StreamObserver<>() {
          @Override
          public void onNext(KeepAliveResponse value) {}

          @Override
          public void onError(Throwable t) {
            scheduler.execute(() -> lost(Status.fromThrowable(t)));
          }

          @Override
          public void onCompleted() {
            scheduler.execute(() -> lost(Status.UNAVAILABLE.withDescription("stream completed")));
          }
        });
      }
      keepAlive.onNext(KeepAliveRequest.newBuilder().setLeaseId(leaseId).build());
    } catch (StatusRuntimeException | IllegalStateException e) {
      log.warn("cannot renew the registration of {}: {}; retrying", instance.getInstanceId(), e.getMessage());
    }
  }

  /** On the scheduler: the stream ended; a NOT_FOUND lease means registering again. */
  private void lost(Status status) {
    keepAlive = null;
    if (status.getCode() == Status.Code.NOT_FOUND) {
      log.warn("the control plane forgot the lease of {}; registering again", instance.getInstanceId());
      leaseId = null;
    } else if (status.getCode() != Status.Code.CANCELLED) {
      log.warn("registry keep-alive stream ended: {}", status);
    }
  }

  @Override
  public void drain() {
    deregisterWith(mesh.drainPeriod());
  }

  @Override
  public void deregister() {
    scheduler.shutdownNow();
    deregisterWith(Duration.ZERO);
    ManagedChannel c = channel;
    if (c != null) {
      c.shutdownNow();
    }
  }

  private void deregisterWith(Duration drainPeriod) {
    Instance registered = instance;
    if (registered == null || channel == null) {
      return;
    }
    try {
      stub().deregister(DeregisterRequest.newBuilder()
          .setService(registered.getService())
          .setInstanceId(registered.getInstanceId())
          .setDrainPeriod(Durations.fromMillis(drainPeriod.toMillis()))
          .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        log.warn("cannot deregister {}: {}", registered.getInstanceId(), e.getStatus());
      }
    }
  }

  private RegistryServiceGrpc.RegistryServiceBlockingStub stub() {
    return RegistryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }
}
