package io.marketprism.controlplane.xds;

import com.google.protobuf.Value;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.registry.InstanceKey;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.snapshot.EnvoyNode;
import io.marketprism.registry.v1.Instance;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the service instance behind each Envoy sidecar for as long as the sidecar's ADS stream lives: with a
 * sidecar the service itself runs without the mesh (plain gRPC on loopback), so the sidecar's connection is the
 * instance's registration. The instance is {@code node.cluster} / {@code node.id}, at the stream's peer IP and the
 * sidecar's inbound port, health-checked through the sidecar's plaintext health listener, zone from
 * {@code node.locality.zone}, version from node metadata {@value #VERSION_KEY}. The lease is renewed while the stream
 * is open; a closed stream deregisters with the drain period; a replica that dies leaves the lease to expire, and the
 * sidecar's reconnect to another replica registers it there.
 *
 * <p>Thread-safe: per-stream registrations live in a concurrent map; registry calls run on one scheduler thread.
 */
public final class SidecarRegistrar implements DiscoveryServerCallbacks, AutoCloseable {

  /** Node metadata key with the version of the service the sidecar fronts (for version splits and header routes). */
  public static final String VERSION_KEY = "marketprism.version";

  private static final Logger log = LoggerFactory.getLogger(SidecarRegistrar.class);
  private static final Context.Key<SocketAddress> PEER = Context.key("ads-peer-address");
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Registry registry;
  private final int inboundPort;
  private final int healthPort;
  private final Duration leaseTtl;
  private final Duration drainPeriod;
  private final Map<Long, Registration> streams = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sidecar-registrar");
    t.setDaemon(true);
    return t;
  });

  private static final class Registration {
    final SocketAddress peer;
    volatile InstanceKey key;
    volatile String leaseId;
    volatile ScheduledFuture<?> renewal;

    Registration(SocketAddress peer) {
      this.peer = peer;
    }
  }

  public SidecarRegistrar(Registry registry, int inboundPort, int healthPort, Duration leaseTtl, Duration drainPeriod) {
    this.registry = registry;
    this.inboundPort = inboundPort;
    this.healthPort = healthPort;
    this.leaseTtl = leaseTtl;
    this.drainPeriod = drainPeriod;
  }

  /** Wrap the ADS service with this: it makes each stream's peer address visible to {@link #onStreamOpen}. */
  public static ServerInterceptor peerAddress() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
      }
    };
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    SocketAddress peer = PEER.get();
    if (peer != null) {
      streams.put(streamId, new Registration(peer));
    }
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    Registration registration = streams.get(streamId);
    if (registration == null || registration.key != null || !request.hasNode()) {
      return;
    }
    Optional<Instance> instance = instanceOf(request.getNode(), registration.peer);
    if (instance.isEmpty()) {
      return;
    }
    registration.key = InstanceKey.of(instance.get());
    scheduler.execute(() -> register(registration, instance.get()));
  }

  /** The instance a sidecar node fronts, if the node is a sidecar that can be registered. */
  Optional<Instance> instanceOf(Node node, SocketAddress peer) {
    Optional<EnvoyNode> envoy = EnvoyNode.of(node);
    if (envoy.isEmpty() || envoy.get().role() != EnvoyNode.Role.SIDECAR || !(peer instanceof InetSocketAddress ip)) {
      return Optional.empty();
    }
    if (!INSTANCE_ID.matcher(node.getId()).matches()) {
      log.warn("sidecar of {} not registered: node id \"{}\" is not an instance id ([A-Za-z0-9._-]{{1,128}})",
          envoy.get().name(), node.getId());
      return Optional.empty();
    }
    Value version = node.getMetadata().getFieldsMap().get(VERSION_KEY);
    return Optional.of(Instance.newBuilder()
        .setService(envoy.get().name())
        .setInstanceId(node.getId())
        .setAddress(Endpoint.newBuilder().setHost(ip.getAddress().getHostAddress()).setPort(inboundPort))
        .setHealthPort(healthPort)
        .setZone(node.getLocality().getZone().isEmpty() ? "local" : node.getLocality().getZone())
        .setVersion(version == null ? "" : version.getStringValue())
        .build());
  }

  private void register(Registration registration, Instance instance) {
    try {
      registration.leaseId = registry.register(instance, leaseTtl).leaseId();
      long period = leaseTtl.toMillis() / 3;
      registration.renewal = scheduler.scheduleWithFixedDelay(() -> renew(registration, instance), period, period,
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("registering the sidecar instance {} failed; it gets no calls until it reconnects", registration.key, e);
    }
  }

  private void renew(Registration registration, Instance instance) {
    try {
      registry.renew(registration.leaseId);
    } catch (Registry.LeaseNotFoundException e) {
      // reaped while the control plane could not renew (a NATS outage): the stream still lives, so register again
      registration.renewal.cancel(false);
      register(registration, instance);
    } catch (Exception e) {
      log.warn("renewing the lease of sidecar instance {} failed; retrying", registration.key, e);
    }
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    ended(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    ended(streamId);
  }

  private void ended(long streamId) {
    Registration registration = streams.remove(streamId);
    if (registration == null || registration.key == null) {
      return;
    }
    scheduler.execute(() -> {
      if (registration.renewal != null) {
        registration.renewal.cancel(false);
      }
      if (registration.leaseId == null) {
        return;
      }
      try {
        // a sidecar that reconnected at once has registered again with a new lease: leave that one alone
        registry.renew(registration.leaseId);
        registry.deregister(registration.key, drainPeriod);
      } catch (Registry.LeaseNotFoundException e) {
        // replaced or expired: nothing of ours to drain
      } catch (Registry.InstanceNotFoundException e) {
        // already gone (expired or replaced): nothing to drain
      } catch (Exception e) {
        log.warn("deregistering sidecar instance {} failed; its lease will expire", registration.key, e);
      }
    });
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {}

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
