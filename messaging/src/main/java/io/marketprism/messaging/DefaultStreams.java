package io.marketprism.messaging;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three streams every MarketPrism deployment has: {@code MARKET_DATA} ({@code md.>}), {@code SYSTEM_EVENTS}
 * ({@code sys.>}) and {@code SERVICE_LOGS} ({@code log.>}), file-backed, limits-retained. {@link #ensure} creates
 * a missing stream and updates one whose limits differ, so any number of services may call it at start-up.
 */
public final class DefaultStreams {

  public static final String MARKET_DATA = "MARKET_DATA";
  public static final String SYSTEM_EVENTS = "SYSTEM_EVENTS";
  public static final String SERVICE_LOGS = "SERVICE_LOGS";

  private static final Logger log = LoggerFactory.getLogger(DefaultStreams.class);

  /** JetStream's "stream not found" API error code. */
  private static final int STREAM_NOT_FOUND = 10059;

  private DefaultStreams() {}

  /** The configurations {@link #ensure} applies. */
  public static List<StreamConfiguration> configurations(NatsConfig.Streams limits) {
    return List.of(
        configuration(MARKET_DATA, MarketDataSubjects.ALL, limits.marketData()),
        configuration(SYSTEM_EVENTS, "sys.>", limits.systemEvents()),
        configuration(SERVICE_LOGS, "log.>", limits.serviceLogs()));
  }

  /** Creates or updates the default streams; idempotent. */
  public static void ensure(Connection connection, NatsConfig.Streams limits)
      throws IOException, JetStreamApiException {
    JetStreamManagement management = connection.jetStreamManagement();
    for (StreamConfiguration wanted : configurations(limits)) {
      ensure(management, wanted);
    }
  }

  private static void ensure(JetStreamManagement management, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    StreamInfo existing;
    try {
      existing = management.getStreamInfo(wanted.getName());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
      management.addStream(wanted);
      log.info("created stream {} ({})", wanted.getName(), wanted.getSubjects());
      return;
    }
    StreamConfiguration current = existing.getConfiguration();
    if (current.getMaxAge().equals(wanted.getMaxAge())
        && current.getMaxBytes() == wanted.getMaxBytes()
        && current.getDuplicateWindow().equals(wanted.getDuplicateWindow())
        && current.getSubjects().equals(wanted.getSubjects())) {
      return;
    }
    management.updateStream(wanted);
    log.info("updated stream {} to max-age {}, max-bytes {}", wanted.getName(), wanted.getMaxAge(),
        wanted.getMaxBytes());
  }

  private static StreamConfiguration configuration(String name, String subject, NatsConfig.StreamLimits limits) {
    return StreamConfiguration.builder()
        .name(name)
        .subjects(subject)
        .storageType(StorageType.File)
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.Old)
        .maxAge(limits.maxAge())
        .maxBytes(limits.maxBytes())
        .duplicateWindow(limits.duplicateWindow())
        .build();
  }
}
