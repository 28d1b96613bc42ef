package io.marketprism.controlplane.snapshot;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.PolicySource;
import io.marketprism.controlplane.registry.RegistryView;
import io.marketprism.registry.v1.Instance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the snapshot cache in step with the registry, the policy and the names nodes ask for: any change schedules
 * one rebuild (changes arriving within {@code debounce} share it), each group's resources are validated, versioned
 * per type by a hash of their content (so an endpoint change resends only endpoints) and set in the cache.
 *
 * <p>A newly requested listener name is different: it is built at once, on the requesting thread, so that the
 * request's watch finds it (see {@link #start()}).
 *
 * <p>Thread-safe: rebuilds are serialized by {@code this}; the trigger is an atomic flag.
 */
public final class SnapshotPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final SimpleCache<String> cache;
  private final RegistryView registry;
  private final PolicySource policy;
  private final RequestedNames requested;
  private final long debounceMillis;
  private final SnapshotBuilder builder;
  private final ResourceValidator validator = new ResourceValidator();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "snapshot-builder");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong builds = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Map<String, String> rejections = new ConcurrentHashMap<>();
  private volatile List<UnservedVersions.Gap> unserved = List.of();
  private final RegistryView.Listener registryListener = events -> requestRebuild();

  public SnapshotPublisher(
      SimpleCache<String> cache, RegistryView registry, PolicySource policy, RequestedNames requested, long debounceMillis) {
    this(cache, registry, policy, requested, debounceMillis, new SnapshotBuilder());
  }

  public SnapshotPublisher(
      SimpleCache<String> cache, RegistryView registry, PolicySource policy, RequestedNames requested,
      long debounceMillis, SnapshotBuilder builder) {
    this.builder = builder;
    this.cache = cache;
    this.registry = registry;
    this.policy = policy;
    this.requested = requested;
    this.debounceMillis = debounceMillis;
  }

  public void start() {
    registry.subscribe(registryListener, i -> false);
    policy.onChange(p -> requestRebuild());
    // Synchronously, before the cache creates the watch for the request that named it: SimpleCache drops (without
    // answering) an ADS watch when a snapshot without one of its names is set, so a snapshot that lacks a requested
    // name must never be set after that request's watch exists.
    requested.onNewName(this::rebuild);
    requestRebuild();
  }

  /** Schedules a rebuild unless one is already pending. */
  public void requestRebuild() {
    if (pending.compareAndSet(false, true)) {
      executor.schedule(this::rebuild, debounceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Rebuilds now, on the caller's thread (tests and the pending task). */
  public synchronized void rebuild() {
    pending.set(false);
    try {
      List<Instance> instances = registry.instances(i -> true);
      MeshPolicy current = policy.current();
      Map<String, MeshSnapshot> groups = builder.build(current, instances, requested);
      for (Map.Entry<String, MeshSnapshot> e : groups.entrySet()) {
        publish(e.getKey(), e.getValue());
      }
      noteUnservedVersions(UnservedVersions.find(current, instances));
      builds.incrementAndGet();
    } catch (RuntimeException e) {
      log.error("building snapshots failed; nodes keep their last configuration", e);
    }
  }

  /** Warns once per new gap (rebuilds are frequent; the admin view shows the gaps in force). */
  private void noteUnservedVersions(List<UnservedVersions.Gap> gaps) {
    for (UnservedVersions.Gap gap : gaps) {
      if (!unserved.contains(gap)) {
        log.atWarn().addKeyValue("service", gap.service()).log("{}", gap.message());
      }
    }
    unserved = List.copyOf(gaps);
  }

  private void publish(String group, MeshSnapshot resources) {
    try {
      validator.validate(resources);
    } catch (ResourceValidator.InvalidSnapshotException e) {
      rejected.incrementAndGet();
      rejections.put(group, e.getMessage());
      log.atError().addKeyValue("node_group", group)
          .log("snapshot for {} refused, nodes keep the last one: {}", group, e.getMessage());
      return;
    }
    rejections.remove(group);
    Snapshot snapshot = Snapshot.create(
        resources.clusters(), version(resources.clusters()),
        resources.endpoints(), version(resources.endpoints()),
        resources.listeners(), version(resources.listeners()),
        resources.routes(), version(resources.routes()),
        resources.secrets(), version(resources.secrets()));
    Snapshot previous = cache.getSnapshot(group);
    if (previous != null && sameVersions(previous, snapshot)) {
      return;
    }
    cache.setSnapshot(group, snapshot);
  }

  private static boolean sameVersions(Snapshot a, Snapshot b) {
    return a.clusters().version().equals(b.clusters().version())
        && a.endpoints().version().equals(b.endpoints().version())
        && a.listeners().version().equals(b.listeners().version())
        && a.routes().version().equals(b.routes().version())
        && a.secrets().version().equals(b.secrets().version());
  }

  /** A content hash: equal resources give equal versions whatever the order of map entries. */
  static String version(List<? extends Message> resources) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (Message m : resources) {
        bytes.reset();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        m.writeTo(out);
        out.flush();
        sha.update(bytes.toByteArray());
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long builds() {
    return builds.get();
  }

  public long rejectedSnapshots() {
    return rejected.get();
  }

  /** Why the last snapshot of {@code group} was refused, if it was. */
  public Optional<String> rejection(String group) {
    return Optional.ofNullable(rejections.get(group));
  }

  /** Versions the policy routes to that no registered instance runs, as of the last rebuild. */
  public List<UnservedVersions.Gap> unservedVersions() {
    return unserved;
  }

  public Snapshot snapshot(String group) {
    return cache.getSnapshot(group);
  }

  @Override
  public void close() {
    registry.unsubscribe(registryListener);
    executor.shutdownNow();
  }
}
