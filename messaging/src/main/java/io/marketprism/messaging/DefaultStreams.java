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
 * ({@code sys.>}) and {@code SERVICE_LOGS} ({@code log.>}), file-backed, limits-retained, with {@code
 * nats.streams.replicas} copies (3 on a three-member cluster). {@link #ensure} creates a missing stream and updates
 * one whose limits or replicas differ (JetStream adds or drops replicas in place), so any number of services may
 * call it at start-up.
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
        configuration(MARKET_DATA, MarketDataSubjects.ALL, limits.marketData(), limits.replicas()),
        configuration(SYSTEM_EVENTS, "sys.>", limits.systemEvents(), limits.replicas()),
        configuration(SERVICE_LOGS, "log.>", limits.serviceLogs(), limits.replicas()));
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
      log.info("created stream {} with {}", wanted.getName(), limits(wanted));
      return;
    }
    StreamConfiguration current = existing.getConfiguration();
    if (sameLimits(current, wanted)) {
      log.debug("stream {} already has {}", wanted.getName(), limits(wanted));
      return;
    }
    // in place, never recreated: no stored message is lost
    management.updateStream(wanted);
    log.info("updated stream {} from {} to {}", wanted.getName(), limits(current), limits(wanted));
  }

  private static boolean sameLimits(StreamConfiguration a, StreamConfiguration b) {
    return a.getSubjects().equals(b.getSubjects())
        && a.getMaxAge().equals(b.getMaxAge())
        && a.getMaxBytes() == b.getMaxBytes()
        && a.getMaxMsgs() == b.getMaxMsgs()
        && a.getDuplicateWindow().equals(b.getDuplicateWindow())
        && a.getReplicas() == b.getReplicas();
  }

  private static String limits(StreamConfiguration c) {
    return "subjects " + c.getSubjects() + ", max-age " + c.getMaxAge() + ", max-bytes " + c.getMaxBytes()
        + ", max-msgs " + c.getMaxMsgs() + ", duplicate-window " + c.getDuplicateWindow()
        + ", replicas " + c.getReplicas();
  }

  private static StreamConfiguration configuration(
      String name, String subject, NatsConfig.StreamLimits limits, int replicas) {
    return StreamConfiguration.builder()
        .name(name)
        .subjects(subject)
        .storageType(StorageType.File)
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.Old)
        .maxAge(limits.maxAge())
        .maxBytes(limits.maxBytes())
        .maxMessages(limits.maxMsgs())
        .duplicateWindow(limits.duplicateWindow())
        .replicas(replicas)
        .build();
  }
}
