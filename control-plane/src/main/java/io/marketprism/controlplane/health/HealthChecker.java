package io.marketprism.controlplane.health;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.marketprism.controlplane.registry.InstanceKey;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.registry.RegistryStore;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actively checks every registered instance over {@code grpc.health.v1} (the server as a whole, service {@code ""})
 * and records transitions in the {@link Registry}: STARTING → SERVING on the first pass, SERVING/STARTING →
 * UNHEALTHY after {@code unhealthyThreshold} consecutive failures, UNHEALTHY → SERVING after
 * {@code healthyThreshold} passes. Draining instances are not checked. The plaintext health port is used when the
 * instance has one, since its main port may require mTLS.
 *
 * <p>Only transitions are written to the shared store; the time of each instance's last check is kept here
 * ({@link #lastCheck}). Every replica checks every instance; their writes are idempotent.
 *
 * <p>Thread-safe: per-instance state lives in concurrent maps and is touched by one check at a time (a check is not
 * started while the previous one for the same instance is in flight).
 */
public final class HealthChecker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final Registry registry;
  private final HealthCheckSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "health-check-timer"));
  // registry writes block on the store; keep them off gRPC's callback threads
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "health-check-writer"));
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<InstanceKey, Tally> tallies = new ConcurrentHashMap<>();

  /** Consecutive results of one instance. */
  private static final class Tally {
    volatile boolean inFlight;
    volatile int passes;
    volatile int failures;
    volatile Instant lastCheck;
  }

  public HealthChecker(Registry registry, HealthCheckSettings settings, Clock clock) {
    this.registry = registry;
    this.settings = settings;
    this.clock = clock;
  }

  public void start() {
    long millis = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(this::checkAll, 0, millis, TimeUnit.MILLISECONDS);
  }

  /** When {@code key} was last checked by this replica. */
  public Optional<Instant> lastCheck(InstanceKey key) {
    Tally tally = tallies.get(key);
    return tally == null ? Optional.empty() : Optional.ofNullable(tally.lastCheck);
  }

  private void checkAll() {
    try {
      Set<String> targets = new HashSet<>();
      Set<InstanceKey> keys = new HashSet<>();
      for (Instance instance : registry.view().instances(i -> true)) {
        InstanceKey key = InstanceKey.of(instance);
        keys.add(key);
        if (instance.getState() == InstanceState.INSTANCE_STATE_DRAINING) {
          continue;
        }
        String target = target(instance);
        targets.add(target);
        check(key, instance.getState(), target);
      }
      tallies.keySet().retainAll(keys);
      channels.entrySet().removeIf(e -> {
        if (!targets.contains(e.getKey())) {
          e.getValue().shutdownNow();
          return true;
        }
        return false;
      });
    } catch (RuntimeException e) {
      log.warn("health check round failed", e);
    }
  }

  private void check(InstanceKey key, InstanceState state, String target) {
    Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
    if (tally.inFlight) {
      return;
    }
    tally.inFlight = true;
    ManagedChannel channel =
        channels.computeIfAbsent(target, t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create()).build());
    HealthGrpc.newStub(channel)
        .withDeadlineAfter(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .check(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              private boolean serving;

              @Override
              public void onNext(HealthCheckResponse value) {
                serving = value.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
              }

              @Override
              public void onError(Throwable t) {
                record(key, state, tally, false);
              }

              @Override
              public void onCompleted() {
                record(key, state, tally, serving);
              }
            });
  }

  private void record(InstanceKey key, InstanceState state, Tally tally, boolean passed) {
    tally.lastCheck = clock.instant();
    if (passed) {
      tally.passes++;
      tally.failures = 0;
    } else {
      tally.failures++;
      tally.passes = 0;
    }
    InstanceState next = null;
    if (passed && state == InstanceState.INSTANCE_STATE_STARTING) {
      next = InstanceState.INSTANCE_STATE_SERVING;
    } else if (passed && state == InstanceState.INSTANCE_STATE_UNHEALTHY && tally.passes >= settings.healthyThreshold()) {
      next = InstanceState.INSTANCE_STATE_SERVING;
    } else if (!passed && state != InstanceState.INSTANCE_STATE_UNHEALTHY
        && tally.failures >= settings.unhealthyThreshold()) {
      next = InstanceState.INSTANCE_STATE_UNHEALTHY;
    }
    if (next == null) {
      tally.inFlight = false;
      return;
    }
    InstanceState target = next;
    try {
      writer.execute(() -> {
      try {
        registry.recordHealth(key, target);
      } catch (RegistryStore.StoreException e) {
        log.warn("cannot record {} as {}: {}", key, target, e.getMessage());
      } finally {
        tally.inFlight = false;
      }
      });
    } catch (RejectedExecutionException closing) {
      tally.inFlight = false; // the checker is closing; the result no longer matters
    }
  }

  private static String target(Instance instance) {
    int port = instance.getHealthPort() != 0 ? instance.getHealthPort() : instance.getAddress().getPort();
    String host = instance.getAddress().getHost();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    writer.shutdownNow();
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
