package io.marketprism.config.nats;

import io.marketprism.config.domain.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How far each mirrored namespace has applied its source's changes, in the bucket {@code <prefix>_sync} (an
 * environment's bucket is {@code <prefix>-<environment>}, and environments cannot contain {@code _}), so a restarted
 * config center resumes where it stopped. Thread-safe.
 */
public final class SyncCheckpoints {

  private final KeyValue kv;

  private SyncCheckpoints(KeyValue kv) {
    this.kv = kv;
  }

  /** Opens the bucket, creating it if needed. */
  public static SyncCheckpoints open(Connection connection, String bucketPrefix, boolean file)
      throws IOException, JetStreamApiException {
    String bucket = bucketPrefix + "_sync";
    // create is idempotent for an identical configuration
    connection
        .keyValueManagement()
        .create(
            KeyValueConfiguration.builder()
                .name(bucket)
                .description("MarketPrism config center: versions applied from other sites")
                .maxHistoryPerKey(1)
                .storageType(file ? StorageType.File : StorageType.Memory)
                .build());
    return new SyncCheckpoints(connection.keyValue(bucket));
  }

  /** The source version applied so far; 0 if none. */
  public long applied(String source, String environment, String namespace) {
    try {
      KeyValueEntry entry = kv.get(key(source, environment, namespace));
      return entry == null || entry.getValue() == null
          ? 0
          : Long.parseLong(new String(entry.getValue(), StandardCharsets.US_ASCII));
    } catch (IOException | JetStreamApiException | NumberFormatException e) {
      throw new StoreUnavailableException("cannot read the sync checkpoint: " + e.getMessage(), e);
    }
  }

  public void save(String source, String environment, String namespace, long version) {
    try {
      kv.put(key(source, environment, namespace), Long.toString(version).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | JetStreamApiException e) {
      throw new StoreUnavailableException("cannot write the sync checkpoint: " + e.getMessage(), e);
    }
  }

  private static String key(String source, String environment, String namespace) {
    return source + "." + environment + "." + namespace;
  }
}
