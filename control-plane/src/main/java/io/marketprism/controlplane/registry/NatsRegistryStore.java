package io.marketprism.controlplane.registry;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in a JetStream key-value bucket (one key per instance, {@link InstanceKey#bucketKey()}), so that
 * every control-plane replica reads and watches the same entries. The bucket is created on first use.
 *
 * <p>Thread-safe: a {@link KeyValue} handle is a stateless view on the shared connection.
 */
public final class NatsRegistryStore implements RegistryStore {

  private static final Logger log = LoggerFactory.getLogger(NatsRegistryStore.class);

  /** JetStream's "wrong last sequence" error: a compare-and-set lost. */
  private static final int WRONG_LAST_SEQUENCE = 10071;

  private final KeyValue kv;

  private NatsRegistryStore(KeyValue kv) {
    this.kv = kv;
  }

  /** Opens (creating if needed, with one replica) the bucket {@code bucket} on {@code connection}. */
  public static NatsRegistryStore open(Connection connection, String bucket) throws StoreException {
    return open(connection, bucket, 1);
  }

  /**
   * Opens the bucket {@code bucket} on {@code connection}, creating it with {@code replicas} copies (one per cluster
   * member, at most JetStream's five) if it does not exist; an existing bucket keeps its own.
   */
  public static NatsRegistryStore open(Connection connection, String bucket, int replicas) throws StoreException {
    try {
      KeyValueManagement management = connection.keyValueManagement();
      if (!management.getBucketNames().contains(bucket)) {
        try {
          management.create(
              KeyValueConfiguration.builder()
                  .name(bucket)
                  .description("MarketPrism mesh registry: one entry per service instance")
                  .maxHistoryPerKey(1)
                  .storageType(StorageType.File)
                  .replicas(replicas)
                  .build());
        } catch (JetStreamApiException e) {
          // another replica created it between our check and our create
          log.debug("bucket {} created concurrently: {}", bucket, e.getMessage());
        }
      }
      return new NatsRegistryStore(connection.keyValue(bucket));
    } catch (IOException | JetStreamApiException e) {
      throw new StoreException("cannot open registry bucket " + bucket + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Versioned> get(InstanceKey key) throws StoreException {
    try {
      KeyValueEntry entry = kv.get(key.bucketKey());
      if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
        return Optional.empty();
      }
      return Optional.of(new Versioned(RegistryEntry.decode(entry.getValue()), entry.getRevision()));
    } catch (IOException | JetStreamApiException e) {
      throw new StoreException("cannot read " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long create(RegistryEntry entry) throws StoreException {
    try {
      return kv.create(entry.key().bucketKey(), entry.encode());
    } catch (JetStreamApiException e) {
      throw translate("create " + entry.key(), e);
    } catch (IOException e) {
      throw new StoreException("cannot create " + entry.key() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long update(RegistryEntry entry, long expectedRevision) throws StoreException {
    try {
      return kv.update(entry.key().bucketKey(), entry.encode(), expectedRevision);
    } catch (JetStreamApiException e) {
      throw translate("update " + entry.key(), e);
    } catch (IOException e) {
      throw new StoreException("cannot update " + entry.key() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(InstanceKey key, long expectedRevision) throws StoreException {
    try {
      kv.delete(key.bucketKey(), expectedRevision);
    } catch (JetStreamApiException e) {
      throw translate("delete " + key, e);
    } catch (IOException e) {
      throw new StoreException("cannot delete " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public AutoCloseable watch(Consumer<Change> onChange, Runnable onSnapshotDone) throws StoreException {
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            InstanceKey key;
            try {
              key = InstanceKey.fromBucketKey(entry.getKey());
            } catch (IllegalArgumentException e) {
              log.warn("ignoring foreign key {} in the registry bucket", entry.getKey());
              return;
            }
            if (entry.getOperation() == KeyValueOperation.PUT) {
              try {
                onChange.accept(new Change(key, Optional.of(RegistryEntry.decode(entry.getValue())), entry.getRevision()));
              } catch (IllegalArgumentException e) {
                log.warn("ignoring unreadable registry entry {}: {}", entry.getKey(), e.getMessage());
              }
            } else {
              onChange.accept(new Change(key, Optional.empty(), entry.getRevision()));
            }
          }

          @Override
          public void endOfData() {
            onSnapshotDone.run();
          }
        };
    try {
      return kv.watchAll(watcher)::unsubscribe;
    } catch (IOException | JetStreamApiException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StoreException("cannot watch the registry bucket: " + e.getMessage(), e);
    }
  }

  private static StoreException translate(String what, JetStreamApiException e) {
    if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
      return new ConflictException(what + " lost a race: " + e.getMessage(), e);
    }
    return new StoreException("cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {}
}
