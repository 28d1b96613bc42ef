package io.marketprism.config.sync;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.marketprism.config.domain.ConfigEntries;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.domain.ValueType;
import io.marketprism.config.nats.SyncCheckpoints;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.EventType;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.ListRequest;
import io.marketprism.config.v1.SyncStatus;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.config.v1.WatchResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors one namespace of one environment from another site's config center: watches it from the last source
 * version applied (or from a snapshot the first time, or when the source discarded that far back), writes each change
 * here as a change of its own (by {@code sync:<source>}, audited like any other), and records the source version it
 * reached. A snapshot also deletes the keys the source no longer has. Lost connections are retried with exponential
 * backoff; since it resumes from the recorded version, a site that was cut off catches up without losing a change.
 *
 * <p>Thread-safe: the watch's callbacks are serialized by gRPC; status fields are volatile.
 */
final class NamespaceMirror implements StreamObserver<WatchResponse> {

  private static final Logger log = LoggerFactory.getLogger(NamespaceMirror.class);

  private final String source;
  private final String address;
  private final String environment;
  private final String namespace;
  private final ConfigServiceGrpc.ConfigServiceStub remote;
  private final ConfigServiceGrpc.ConfigServiceBlockingStub remoteBlocking;
  private final ConfigEntries entries;
  private final SyncCheckpoints checkpoints;
  private final ScheduledExecutorService scheduler;
  private final Duration reconnectMin;
  private final Duration reconnectMax;
  private final Clock clock;
  private final String actor;

  private volatile boolean live;
  private volatile long applied;
  private volatile Instant lastApplied;
  private volatile String lastError = "";
  private volatile long appliedChanges;
  private volatile boolean closed;
  private volatile Context.CancellableContext call;

  // touched only by the watch's serialized callbacks and the (re)connect that precedes them
  private Duration backoff;
  private boolean snapshot;
  private long snapshotMax;
  private final Set<String> snapshotKeys = new HashSet<>();

  /** Which namespace of which site. */
  record Target(String source, String address, String environment, String namespace) {}

  /** Where mirrored changes go, and where the version reached is recorded. */
  record Local(ConfigEntries entries, SyncCheckpoints checkpoints, Clock clock) {}

  /** How lost connections are retried: after {@code min}, doubling up to {@code max}, on {@code scheduler}. */
  record Retry(ScheduledExecutorService scheduler, Duration min, Duration max) {}

  NamespaceMirror(Target target, Channel channel, Local local, Retry retry) {
    this.source = target.source();
    this.address = target.address();
    this.environment = target.environment();
    this.namespace = target.namespace();
    this.remote = ConfigServiceGrpc.newStub(channel);
    this.remoteBlocking = ConfigServiceGrpc.newBlockingStub(channel);
    this.entries = local.entries();
    this.checkpoints = local.checkpoints();
    this.clock = local.clock();
    this.scheduler = retry.scheduler();
    this.reconnectMin = retry.min();
    this.reconnectMax = retry.max();
    this.actor = "sync:" + source;
    this.backoff = reconnectMin;
  }

  /** Opens the watch from the recorded version. */
  void connect() {
    if (closed) {
      return;
    }
    try {
      applied = checkpoints.applied(source, environment, namespace);
    } catch (RuntimeException e) {
      failed("cannot read the checkpoint: " + e.getMessage(), false);
      return;
    }
    snapshot = applied == 0;
    snapshotMax = 0;
    snapshotKeys.clear();
    Context.CancellableContext context = Context.current().withCancellation();
    call = context;
    context.run(
        () ->
            remote.watch(
                WatchRequest.newBuilder().setEnvironment(environment).setNamespace(namespace).setStartVersion(applied).build(),
                this));
  }

  @Override
  public void onNext(WatchResponse response) {
    try {
      for (WatchEvent event : response.getEventsList()) {
        apply(event);
      }
      if (response.getSnapshotComplete()) {
        if (snapshot) {
          removeKeysTheSourceNoLongerHas();
          record(Math.max(applied, snapshotMax));
          snapshot = false;
        }
        live = true;
        lastError = "";
        backoff = reconnectMin;
        log.info("mirroring {}/{} from {} ({}): live at source version {}", environment, namespace, source, address, applied);
      }
    } catch (RuntimeException e) {
      // a change that cannot be applied here: start over from the recorded version rather than skip it
      call.cancel(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    Status status = Status.fromThrowable(t);
    if (status.getCode() == Status.Code.OUT_OF_RANGE) {
      // the source no longer holds every change after our version: take a fresh snapshot
      checkpoints.save(source, environment, namespace, 0);
      failed("source discarded changes after version " + applied + "; resynchronising from a snapshot", true);
      return;
    }
    failed(status.getCode() + ": " + status.getDescription(), false);
  }

  @Override
  public void onCompleted() {
    failed("the source ended the watch", false);
  }

  /** The status as GetSyncStatus reports it; asks the source for its newest version. */
  SyncStatus status() {
    long sourceVersion = 0;
    try {
      sourceVersion =
          remoteBlocking
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .list(ListRequest.newBuilder().setEnvironment(environment).setNamespace(namespace).setPageSize(1).build())
              .getRevision();
    } catch (StatusRuntimeException unreachable) {
      log.debug("source {} unreachable for status: {}", source, unreachable.getStatus());
    }
    SyncStatus.Builder status =
        SyncStatus.newBuilder()
            .setSource(source)
            .setAddress(address)
            .setEnvironment(environment)
            .setNamespace(namespace)
            .setLive(live)
            .setAppliedVersion(applied)
            .setSourceVersion(sourceVersion)
            .setLastError(lastError)
            .setAppliedChanges(appliedChanges);
    Instant at = lastApplied;
    if (at != null) {
      status.setLastAppliedTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
    }
    return status.build();
  }

  void close() {
    closed = true;
    Context.CancellableContext current = call;
    if (current != null) {
      current.cancel(null);
    }
  }

  private void apply(WatchEvent event) {
    Entry entry = event.getEntry();
    EntryName name = new EntryName(environment, namespace, entry.getKey());
    if (event.getType() == EventType.EVENT_TYPE_DELETE) {
      deleteHere(name);
    } else {
      putHere(name, entry.getValueMasked() ? revealed(entry) : entry);
    }
    if (snapshot) {
      snapshotKeys.add(entry.getKey());
      snapshotMax = Math.max(snapshotMax, entry.getVersion());
    } else {
      record(entry.getVersion());
    }
    appliedChanges++;
    lastApplied = clock.instant();
  }

  private void putHere(EntryName name, Entry entry) {
    OptionalLong unconditional = OptionalLong.empty();
    entries.put(name, entry.getValue(), valueType(entry), entry.getSecret(), unconditional, actor);
  }

  private void deleteHere(EntryName name) {
    try {
      entries.delete(name, OptionalLong.empty(), actor);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /** Watches mask secrets: their value comes from Get, which the source answers in clear only if it trusts us. */
  private Entry revealed(Entry masked) {
    Entry entry =
        remoteBlocking
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .get(GetRequest.newBuilder().setEnvironment(environment).setNamespace(namespace).setKey(masked.getKey()).build())
            .getEntry();
    if (entry.getValueMasked()) {
      throw new IllegalStateException(
          "the source does not let this site read secrets of " + namespace + " (key " + masked.getKey() + ")");
    }
    return entry;
  }

  private void removeKeysTheSourceNoLongerHas() {
    String after = "";
    while (true) {
      ConfigEntries.Page page = entries.list(environment, namespace, "", after, 1000);
      for (Revision here : page.entries()) {
        if (!snapshotKeys.contains(here.name().key())) {
          deleteHere(here.name());
        }
      }
      if (page.lastKey().isEmpty()) {
        return;
      }
      after = page.lastKey().get();
    }
  }

  private void record(long version) {
    checkpoints.save(source, environment, namespace, version);
    applied = version;
  }

  private void failed(String why, boolean immediately) {
    live = false;
    lastError = why;
    if (closed) {
      return;
    }
    Duration wait = immediately ? Duration.ZERO : backoff;
    backoff = backoff.multipliedBy(2).compareTo(reconnectMax) > 0 ? reconnectMax : backoff.multipliedBy(2);
    log.warn("mirroring {}/{} from {} ({}) stopped: {}; again in {} ms", environment, namespace, source, address, why, wait.toMillis());
    scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ValueType valueType(Entry entry) {
    return switch (entry.getValueType()) {
      case VALUE_TYPE_JSON -> ValueType.JSON;
      case VALUE_TYPE_YAML -> ValueType.YAML;
      default -> ValueType.STRING;
    };
  }
}
