package io.marketprism.scheduler.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.marketprism.scheduler.SchedulerConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The scheduler's JetStream key-value buckets, created if missing: {@code <prefix>-tasks} (one key per task),
 * {@code <prefix>-runs} ({@code <task>.<run>}), {@code <prefix>-executions} ({@code <task>.<run>.<attempt>}), and
 * {@code <prefix>-lease} (the leader lease, each task's fire cursor, and the signals a replica sends the leader).
 * Thread-safe: the handles are views on the one connection.
 */
public final class SchedulerBuckets {

  /** JetStream's "wrong last sequence" API error: a compare-and-set lost. */
  static final int WRONG_LAST_SEQUENCE = 10071;

  private final KeyValue tasks;
  private final KeyValue runs;
  private final KeyValue executions;
  private final KeyValue lease;

  private SchedulerBuckets(KeyValue tasks, KeyValue runs, KeyValue executions, KeyValue lease) {
    this.tasks = tasks;
    this.runs = runs;
    this.executions = executions;
    this.lease = lease;
  }

  public static SchedulerBuckets open(Connection connection, SchedulerConfig.Store config) {
    try {
      StorageType storage = config.fileStorage() ? StorageType.File : StorageType.Memory;
      String prefix = config.bucketPrefix();
      return new SchedulerBuckets(
          bucket(connection, prefix + "-tasks", storage, config.replicas(), Duration.ZERO),
          bucket(connection, prefix + "-runs", storage, config.replicas(), config.runHistory()),
          bucket(connection, prefix + "-executions", storage, config.replicas(), config.runHistory()),
          bucket(connection, prefix + "-lease", storage, config.replicas(), Duration.ZERO));
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot open the scheduler's key-value buckets", e);
    }
  }

  private static KeyValue bucket(Connection connection, String name, StorageType storage, int replicas,
      Duration maxAge) throws IOException, JetStreamApiException {
    if (!connection.keyValueManagement().getBucketNames().contains(name)) {
      KeyValueConfiguration.Builder config =
          KeyValueConfiguration.builder().name(name).maxHistoryPerKey(1).storageType(storage).replicas(replicas);
      if (!maxAge.isZero()) {
        config.ttl(maxAge);
      }
      try {
        connection.keyValueManagement().create(config.build());
      } catch (JetStreamApiException e) {
        // another replica created it first: use theirs (same settings)
        if (!connection.keyValueManagement().getBucketNames().contains(name)) {
          throw e;
        }
      }
    }
    return connection.keyValue(name);
  }

  public KeyValue tasks() {
    return tasks;
  }

  public KeyValue runs() {
    return runs;
  }

  public KeyValue executions() {
    return executions;
  }

  public KeyValue lease() {
    return lease;
  }

  /** The live value of {@code key} parsed, with its revision; empty if absent or deleted. */
  static <T extends Message> Optional<Versioned<T>> read(KeyValue kv, String key, Parser<T> parser) {
    KeyValueEntry entry = entry(kv, key);
    if (entry == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Versioned<>(parser.parseFrom(entry.getValue()), entry.getRevision()));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreUnavailableException("corrupt value under " + key + " in " + kv.getBucketName(), e);
    }
  }

  /** The live entry of {@code key}; null if absent or deleted. */
  static KeyValueEntry entry(KeyValue kv, String key) {
    try {
      KeyValueEntry entry = kv.get(key);
      return entry == null || entry.getOperation() != KeyValueOperation.PUT ? null : entry;
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot read " + key + " from " + kv.getBucketName(), e);
    }
  }

  /**
   * Writes {@code value} under {@code key} if its revision is still {@code expected} (0: if the key does not exist);
   * returns the new revision, or empty if another writer came first.
   */
  static Optional<Long> compareAndSet(KeyValue kv, String key, byte[] value, long expected) {
    try {
      return Optional.of(expected == 0 ? kv.create(key, value) : kv.update(key, value, expected));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return Optional.empty();
      }
      throw new StoreUnavailableException("cannot write " + key + " to " + kv.getBucketName(), e);
    } catch (IOException e) {
      throw new StoreUnavailableException("cannot write " + key + " to " + kv.getBucketName(), e);
    }
  }

  static void put(KeyValue kv, String key, byte[] value) {
    try {
      kv.put(key, value);
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot write " + key + " to " + kv.getBucketName(), e);
    }
  }

  static java.util.List<String> keys(KeyValue kv, String filter) {
    try {
      return kv.keys(filter);
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StoreUnavailableException("cannot list " + filter + " in " + kv.getBucketName(), e);
    }
  }

  static void purge(KeyValue kv, String key) {
    try {
      kv.purge(key);
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot purge " + key + " from " + kv.getBucketName(), e);
    }
  }
}
