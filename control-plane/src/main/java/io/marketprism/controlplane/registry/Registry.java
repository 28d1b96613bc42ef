package io.marketprism.controlplane.registry;

import com.google.protobuf.util.Timestamps;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceState;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's rules: leases, drains, health state. Every write is a compare-and-set on the shared
 * {@link RegistryStore}, retried on conflict, so replicas can serve the same registry; reads come from the
 * {@link RegistryView}. Inputs are assumed valid (the API validates them).
 *
 * <p>Thread-safe: holds no mutable state of its own.
 */
public final class Registry {

  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  private static final int MAX_ATTEMPTS = 16;
  private static final int DEFAULT_WEIGHT = 100;

  private final RegistryStore store;
  private final RegistryView view;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Registry(RegistryStore store, RegistryView view, Clock clock) {
    this.store = store;
    this.view = view;
    this.clock = clock;
  }

  public RegistryView view() {
    return view;
  }

  /** A granted lease. */
  public record Lease(String leaseId, Duration ttl, Instant expiry, Instance instance) {}

  /** A renewed lease. */
  public record Renewal(String leaseId, Instant expiry, InstanceState state) {}

  /** Registers (or replaces) an instance as STARTING with a new lease; the old lease, if any, is revoked. */
  public Lease register(Instance requested, Duration ttl) throws RegistryStore.StoreException {
    InstanceKey key = InstanceKey.of(requested);
    Instant now = clock.instant();
    Instance instance =
        requested.toBuilder()
            .setWeight(requested.getWeight() == 0 ? DEFAULT_WEIGHT : requested.getWeight())
            .setState(InstanceState.INSTANCE_STATE_STARTING)
            .setRegisterTime(Timestamps.fromMillis(now.toEpochMilli()))
            .setLastHeartbeatTime(Timestamps.fromMillis(now.toEpochMilli()))
            .clearLastHealthCheckTime()
            .clearDrainDeadline()
            .build();
    RegistryEntry entry = new RegistryEntry(instance, newLeaseId(key), ttl, now.plus(ttl));
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<RegistryStore.Versioned> existing = store.get(key);
        long revision =
            existing.isPresent() ? store.update(entry, existing.get().revision()) : store.create(entry);
        view.applyWrite(entry, revision);
        log.atInfo()
            .addKeyValue("service", key.service())
            .addKeyValue("instance_id", key.instanceId())
            .log("registered {} at {}:{}", key, instance.getAddress().getHost(), instance.getAddress().getPort());
        return new Lease(entry.leaseId(), ttl, entry.leaseExpiry(), instance);
      } catch (RegistryStore.ConflictException e) {
        giveUpAfter(attempt, e);
      }
    }
  }

  /**
   * Renews a lease.
   *
   * @throws LeaseNotFoundException if the lease is unknown, revoked or expired
   */
  public Renewal renew(String leaseId) throws RegistryStore.StoreException, LeaseNotFoundException {
    InstanceKey key = keyOfLease(leaseId).orElseThrow(() -> new LeaseNotFoundException(leaseId));
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      RegistryStore.Versioned current = store.get(key).orElseThrow(() -> new LeaseNotFoundException(leaseId));
      RegistryEntry entry = current.entry();
      if (!entry.leaseId().equals(leaseId) || !entry.leaseExpiry().isAfter(now)) {
        throw new LeaseNotFoundException(leaseId);
      }
      RegistryEntry renewed =
          new RegistryEntry(
              entry.instance().toBuilder().setLastHeartbeatTime(Timestamps.fromMillis(now.toEpochMilli())).build(),
              leaseId,
              entry.leaseTtl(),
              now.plus(entry.leaseTtl()));
      try {
        view.applyWrite(renewed, store.update(renewed, current.revision()));
        return new Renewal(leaseId, renewed.leaseExpiry(), renewed.instance().getState());
      } catch (RegistryStore.ConflictException e) {
        giveUpAfter(attempt, e);
      }
    }
  }

  /**
   * Starts draining an instance: DRAINING now, removed at the drain deadline (an earlier deadline is kept). A zero
   * drain period removes it at once.
   *
   * @return the instance, DRAINING
   * @throws InstanceNotFoundException if it is not registered
   */
  public Instance deregister(InstanceKey key, Duration drainPeriod)
      throws RegistryStore.StoreException, InstanceNotFoundException {
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      RegistryStore.Versioned current = store.get(key).orElseThrow(() -> new InstanceNotFoundException(key));
      Instance instance = current.entry().instance();
      Instant deadline = now.plus(drainPeriod);
      if (instance.getState() == InstanceState.INSTANCE_STATE_DRAINING && instance.hasDrainDeadline()) {
        Instant earlier = Instant.ofEpochMilli(Timestamps.toMillis(instance.getDrainDeadline()));
        if (earlier.isBefore(deadline)) {
          deadline = earlier;
        }
      }
      Instance draining =
          instance.toBuilder()
              .setState(InstanceState.INSTANCE_STATE_DRAINING)
              .setDrainDeadline(Timestamps.fromMillis(deadline.toEpochMilli()))
              .build();
      try {
        if (!deadline.isAfter(now)) {
          store.delete(key, current.revision());
        } else {
          view.applyWrite(current.entry().withInstance(draining), store.update(current.entry().withInstance(draining), current.revision()));
        }
        log.atInfo().addKeyValue("service", key.service()).addKeyValue("instance_id", key.instanceId())
            .log("deregistered {}: draining until {}", key, deadline);
        return draining;
      } catch (RegistryStore.ConflictException e) {
        giveUpAfter(attempt, e);
      }
    }
  }

  /**
   * Records the outcome of health checking: {@code state} is SERVING or UNHEALTHY. Draining and unknown instances
   * are left alone; an unchanged state writes nothing.
   */
  public void recordHealth(InstanceKey key, InstanceState state) throws RegistryStore.StoreException {
    for (int attempt = 1; ; attempt++) {
      Optional<RegistryStore.Versioned> current = store.get(key);
      if (current.isEmpty()) {
        return;
      }
      Instance instance = current.get().entry().instance();
      if (instance.getState() == InstanceState.INSTANCE_STATE_DRAINING || instance.getState() == state) {
        return;
      }
      Instance changed =
          instance.toBuilder()
              .setState(state)
              .setLastHealthCheckTime(Timestamps.fromMillis(clock.millis()))
              .build();
      try {
        RegistryEntry entry = current.get().entry().withInstance(changed);
        view.applyWrite(entry, store.update(entry, current.get().revision()));
        log.atInfo().addKeyValue("service", key.service()).addKeyValue("instance_id", key.instanceId())
            .addKeyValue("state", state).log("{} is now {}", key, state);
        return;
      } catch (RegistryStore.ConflictException e) {
        giveUpAfter(attempt, e);
      }
    }
  }

  /**
   * Removes instances whose lease expired or whose drain deadline passed. Any replica may run it; a removal that
   * loses a race to a renewal is skipped (the next round looks again). O(n) in the registry's size.
   *
   * @return how many instances were removed
   */
  public int removeExpired() {
    Instant now = clock.instant();
    int removed = 0;
    for (RegistryView.Entry e : view.entries()) {
      Instance instance = e.entry().instance();
      boolean leaseExpired = !e.entry().leaseExpiry().isAfter(now);
      boolean drained =
          instance.getState() == InstanceState.INSTANCE_STATE_DRAINING
              && instance.hasDrainDeadline()
              && Timestamps.toMillis(instance.getDrainDeadline()) <= now.toEpochMilli();
      if (!leaseExpired && !drained) {
        continue;
      }
      try {
        store.delete(e.entry().key(), e.revision());
        removed++;
        log.atInfo().addKeyValue("service", instance.getService()).addKeyValue("instance_id", instance.getInstanceId())
            .log("removed {}: {}", e.entry().key(), leaseExpired ? "lease expired" : "drained");
      } catch (RegistryStore.ConflictException conflict) {
        log.debug("{} changed while being removed; looking again next round", e.entry().key());
      } catch (RegistryStore.StoreException failure) {
        log.warn("cannot remove {}: {}", e.entry().key(), failure.getMessage());
      }
    }
    return removed;
  }

  private String newLeaseId(InstanceKey key) {
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    return key.bucketKey() + "." + HexFormat.of().formatHex(nonce);
  }

  /** A lease id is {@code <bucket key>.<nonce>}; clients treat it as opaque. */
  private static Optional<InstanceKey> keyOfLease(String leaseId) {
    int lastDot = leaseId.lastIndexOf('.');
    if (lastDot <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(InstanceKey.fromBucketKey(leaseId.substring(0, lastDot)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void giveUpAfter(int attempt, RegistryStore.ConflictException e) throws RegistryStore.StoreException {
    if (attempt >= MAX_ATTEMPTS) {
      throw new RegistryStore.StoreException("too much contention: " + e.getMessage(), e);
    }
  }

  /** A lease is unknown, revoked or expired. */
  public static final class LeaseNotFoundException extends Exception {
    private final String leaseId;

    public LeaseNotFoundException(String leaseId) {
      super("lease " + leaseId + " is unknown or expired: register again");
      this.leaseId = leaseId;
    }

    public String leaseId() {
      return leaseId;
    }
  }

  /** No such instance. */
  public static final class InstanceNotFoundException extends Exception {
    public InstanceNotFoundException(InstanceKey key) {
      super("no instance " + key);
    }
  }
}
