package io.marketprism.collector.subscription;

import io.marketprism.marketdata.v1.DataType;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the subscription set across restarts in a JetStream key-value bucket (one key, the whole set, one
 * line per triple: {@code exchange symbol nativeSymbol typeNumber}). Saving is synchronous: a change is
 * stored before the API answers. Thread-safe (jnats' KeyValue is).
 */
public final class SubscriptionStore {
  private static final String KEY = "subscriptions";
  /** What the config center's {@code subscriptions} value declared when it was last applied. */
  private static final String DECLARED_KEY = "declared-by-config-center";
  /** JetStream's "stream not found" error: the bucket does not exist yet. */
  private static final int NOT_FOUND = 10059;

  private final KeyValue bucket;

  private SubscriptionStore(KeyValue bucket) {
    this.bucket = bucket;
  }

  /** Opens (creating if needed) the file-backed bucket {@code name}, with {@code replicas} copies on a cluster. */
  public static SubscriptionStore open(Connection connection, String name, int replicas)
      throws IOException, JetStreamApiException {
    try {
      connection.keyValueManagement().getBucketInfo(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NOT_FOUND) {
        throw e;
      }
      connection.keyValueManagement().create(KeyValueConfiguration.builder()
          .name(name).maxHistoryPerKey(1).storageType(StorageType.File).replicas(replicas).build());
    }
    return new SubscriptionStore(connection.keyValue(name));
  }

  /** The stored set, or empty if none was ever stored (then the configured subscriptions apply). */
  public Optional<List<SubscriptionKey>> load() throws IOException, JetStreamApiException {
    return read(KEY);
  }

  /** The set the config center last declared ({@link DeclaredSubscriptions}); empty if it never declared one. */
  public Optional<List<SubscriptionKey>> loadDeclared() throws IOException, JetStreamApiException {
    return read(DECLARED_KEY);
  }

  /** Stores the set the config center declares now. */
  public void saveDeclared(List<SubscriptionKey> keys) {
    write(DECLARED_KEY, keys);
  }

  private Optional<List<SubscriptionKey>> read(String bucketKey) throws IOException, JetStreamApiException {
    KeyValueEntry entry = bucket.get(bucketKey);
    if (entry == null || entry.getValue() == null) {
      return Optional.empty();
    }
    List<SubscriptionKey> keys = new ArrayList<>();
    for (String line : new String(entry.getValue(), StandardCharsets.UTF_8).split("\n")) {
      String[] parts = line.split(" ");
      if (parts.length == 4) {
        DataType type = DataType.forNumber(Integer.parseInt(parts[3]));
        if (type != null) {
          keys.add(new SubscriptionKey(parts[0], parts[1], parts[2], type));
        }
      }
    }
    return Optional.of(keys);
  }

  /** Stores {@code keys} as the whole set. */
  public void save(List<SubscriptionKey> keys) {
    write(KEY, keys);
  }

  private void write(String bucketKey, List<SubscriptionKey> keys) {
    StringBuilder text = new StringBuilder();
    for (SubscriptionKey key : keys) {
      text.append(key.exchange()).append(' ').append(key.symbol()).append(' ').append(key.nativeSymbol())
          .append(' ').append(key.type().getNumber()).append('\n');
    }
    try {
      bucket.put(bucketKey, text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the subscriptions", e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("cannot store the subscriptions: " + e.getMessage(), e);
    }
  }
}
