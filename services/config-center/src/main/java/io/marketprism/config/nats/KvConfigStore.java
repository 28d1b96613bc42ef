package io.marketprism.config.nats;

import io.marketprism.config.domain.ConfigStore;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.KeyPrefixes;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.domain.StoreUnavailableException;
import io.marketprism.config.domain.StoredValue;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The config store on JetStream key-value: one bucket per environment ({@code <prefix>-<environment>}), so each
 * environment is isolated and has its own revision counter, which is the entries' version. Keys are
 * {@code <namespace>.<key>}. Buckets are created on the first write to an environment; reading one that has none
 * finds nothing. Thread-safe: {@link KeyValue} handles are cached per bucket.
 */
public final class KvConfigStore implements ConfigStore {

  /** JetStream's "stream not found" and "wrong last sequence" API error codes. */
  private static final int STREAM_NOT_FOUND = 10059;

  private static final int WRONG_LAST_SEQUENCE = 10071;

  /**
   * Gray releases live beside the entries as {@code <namespace>.=gray.<key>}: in the same bucket and under the
   * namespace, so they share the environment's version counter and one watch of {@code <namespace>.>} replays them in
   * order with the entries. Keys cannot contain {@code =}, so no entry's key collides with them.
   */
  private static final String GRAY = "=gray.";

  private final Connection connection;
  private final Settings settings;
  private final Map<String, KeyValue> buckets = new ConcurrentHashMap<>();

  /**
   * @param bucketPrefix buckets are {@code <bucketPrefix>-<environment>}
   * @param historyPerKey versions kept of each key (1 to 64)
   * @param file true for file storage, false for memory
   * @param replicas JetStream replicas of each bucket
   */
  public record Settings(String bucketPrefix, int historyPerKey, boolean file, int replicas) {}

  public KvConfigStore(Connection connection, Settings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  /** The bucket of an environment. */
  public String bucket(String environment) {
    return settings.bucketPrefix() + "-" + environment;
  }

  @Override
  public Optional<Revision> current(EntryName name) {
    return read(name, name.storeKey(), 0);
  }

  @Override
  public Optional<Revision> currentGray(EntryName name) {
    return read(name, grayKey(name), 0);
  }

  @Override
  public Optional<Revision> at(EntryName name, long version) {
    // a revision of another key (or of nothing) is not a version of this one
    return read(name, name.storeKey(), version).filter(r -> r.name().equals(name) && !r.gray());
  }

  private Optional<Revision> read(EntryName name, String storeKey, long version) {
    return call(
        () -> {
          Optional<KeyValue> kv = existing(name.environment());
          if (kv.isEmpty()) {
            return Optional.empty();
          }
          KeyValueEntry entry = version == 0 ? kv.get().get(storeKey) : kv.get().get(storeKey, version);
          return revision(name.environment(), entry);
        });
  }

  @Override
  public List<Revision> history(EntryName name) {
    return call(
        () -> {
          Optional<KeyValue> kv = existing(name.environment());
          if (kv.isEmpty()) {
            return List.of();
          }
          List<Revision> revisions = new ArrayList<>();
          for (KeyValueEntry entry : kv.get().history(name.storeKey())) {
            revision(name.environment(), entry).ifPresent(revisions::add);
          }
          Collections.reverse(revisions);
          return revisions;
        });
  }

  @Override
  public long write(EntryName name, StoredValue value, long expectedVersion)
      throws StaleVersionException {
    return write(name, name.storeKey(), value, expectedVersion);
  }

  @Override
  public long writeGray(EntryName name, StoredValue value, long expectedVersion) throws StaleVersionException {
    return write(name, grayKey(name), value, expectedVersion);
  }

  @Override
  public List<Revision> activeGrays(String environment, String namespace) {
    List<Revision> active = new ArrayList<>();
    List<String> keys =
        call(
            () -> {
              Optional<KeyValue> kv = existing(environment);
              return kv.isEmpty() ? List.<String>of() : kv.get().keys(namespace + "." + GRAY + ">");
            });
    for (String storeKey : keys) {
      EntryName name = new EntryName(environment, namespace, storeKey.substring(namespace.length() + 1 + GRAY.length()));
      currentGray(name).filter(r -> !r.value().deleted()).ifPresent(active::add);
    }
    return active;
  }

  private long write(EntryName name, String storeKey, StoredValue value, long expectedVersion)
      throws StaleVersionException {
    byte[] bytes = StoredValueCodec.encode(value);
    KeyValue kv = call(() -> ensured(name.environment()));
    try {
      return expectedVersion == 0 ? kv.create(storeKey, bytes) : kv.update(storeKey, bytes, expectedVersion);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        throw new StaleVersionException(
            read(name, storeKey, 0).map(Revision::version).orElse(0L));
      }
      throw unavailable(e);
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  @Override
  public List<String> keys(String environment, String namespace) {
    return call(
        () -> {
          Optional<KeyValue> kv = existing(environment);
          if (kv.isEmpty()) {
            return List.<String>of();
          }
          String grays = namespace + "." + GRAY;
          return kv.get().keys(namespace + ".>").stream().filter(k -> !k.startsWith(grays)).toList();
        });
  }

  @Override
  public long lastVersion(String environment) {
    return call(() -> streamState(environment, false).map(StreamState::getLastSequence).orElse(0L));
  }

  @Override
  public boolean discardedAfter(String environment, long version) {
    return call(
        () ->
            streamState(environment, true)
                .map(
                    state ->
                        state.getFirstSequence() > version + 1
                            || state.getDeleted().stream().anyMatch(seq -> seq > version))
                .orElse(false));
  }

  @Override
  public AutoCloseable watch(
      String environment, String namespace, String keyPrefix, long afterVersion, ChangeListener listener) {
    // one filter subject: nats-server before 2.10 takes no more, so the key prefix is applied here
    List<String> filters = List.of(namespace + ".>");
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            revision(environment, entry)
                .filter(r -> KeyPrefixes.covers(keyPrefix, r.name().key()))
                .ifPresent(listener::onChange);
          }

          @Override
          public void endOfData() {
            listener.caughtUp();
          }
        };
    // the environment's bucket is made now if it is new, so that a watch started before the first write sees it
    KeyValue kv = call(() -> ensured(environment));
    return call(
        () ->
            afterVersion == 0
                ? kv.watch(filters, watcher)
                : kv.watch(filters, watcher, afterVersion + 1, KeyValueWatchOption.INCLUDE_HISTORY));
  }

  @Override
  public boolean exists(String environment) {
    return call(() -> existing(environment).isPresent());
  }

  @Override
  public AutoCloseable watchEnvironment(String environment, ChangeListener listener) {
    KeyValueWatcher watcher =
        new KeyValueWatcher() {
          @Override
          public void watch(KeyValueEntry entry) {
            Optional<Revision> revision = revision(environment, entry);
            if (revision.isPresent()) {
              listener.onChange(revision.get());
            } else {
              StoredName stored = StoredName.of(environment, entry.getKey());
              listener.removed(stored.name(), stored.gray(), entry.getRevision());
            }
          }

          @Override
          public void endOfData() {
            listener.caughtUp();
          }
        };
    KeyValue kv = call(() -> ensured(environment));
    return call(() -> kv.watchAll(watcher));
  }

  /** A config-center version; NATS's own deletes and purges (by an operator's hand) read as absent. */
  private static Optional<Revision> revision(String environment, KeyValueEntry entry) {
    if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
      return Optional.empty();
    }
    StoredName stored = StoredName.of(environment, entry.getKey());
    return Optional.of(
        new Revision(
            stored.name(),
            entry.getRevision(),
            entry.getCreated().toInstant(),
            StoredValueCodec.decode(entry.getValue()),
            stored.gray()));
  }

  /** What a bucket key names: an entry, or the gray release of one. */
  private record StoredName(EntryName name, boolean gray) {
    static StoredName of(String environment, String storeKey) {
      EntryName stored = EntryName.fromStoreKey(environment, storeKey);
      return stored.key().startsWith(GRAY)
          ? new StoredName(new EntryName(environment, stored.namespace(), stored.key().substring(GRAY.length())), true)
          : new StoredName(stored, false);
    }
  }

  private Optional<StreamState> streamState(String environment, boolean deletedDetails)
      throws IOException, JetStreamApiException {
    try {
      return Optional.of(
          connection
              .jetStreamManagement()
              .getStreamInfo(
                  "KV_" + bucket(environment),
                  deletedDetails ? StreamInfoOptions.deletedDetails() : StreamInfoOptions.builder().build())
              .getStreamState());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Optional<KeyValue> existing(String environment) throws IOException, JetStreamApiException {
    KeyValue cached = buckets.get(environment);
    if (cached != null) {
      return Optional.of(cached);
    }
    try {
      connection.keyValueManagement().getStatus(bucket(environment));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(buckets.computeIfAbsent(environment, this::handle));
  }

  private KeyValue ensured(String environment) throws IOException, JetStreamApiException {
    Optional<KeyValue> found = existing(environment);
    if (found.isPresent()) {
      return found.get();
    }
    // create is idempotent for an identical configuration, so two config centers racing here both succeed
    connection
        .keyValueManagement()
        .create(
            KeyValueConfiguration.builder()
                .name(bucket(environment))
                .description("MarketPrism config entries of environment " + environment)
                .maxHistoryPerKey(settings.historyPerKey())
                .storageType(settings.file() ? StorageType.File : StorageType.Memory)
                .replicas(settings.replicas())
                .build());
    return buckets.computeIfAbsent(environment, this::handle);
  }

  private static String grayKey(EntryName name) {
    return name.namespace() + "." + GRAY + name.key();
  }

  private KeyValue handle(String environment) {
    try {
      return connection.keyValue(bucket(environment));
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private interface StoreCall<T> {
    T run() throws IOException, JetStreamApiException, InterruptedException;
  }

  private static <T> T call(StoreCall<T> call) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    } catch (IOException | JetStreamApiException e) {
      throw unavailable(e);
    }
  }

  private static StoreUnavailableException unavailable(Exception e) {
    return new StoreUnavailableException("the key-value store failed: " + e.getMessage(), e);
  }
}
