package io.marketprism.broker.nats;

import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ensures the default streams ({@link DefaultStreams}) with the configured retention: age, size and duplicate window
 * from {@code nats.streams}, message count from {@code broker.default-stream-max-msgs}. A missing stream is created;
 * one whose limits differ is updated in place (never recreated, so no message is lost); a matching one is left
 * alone. Safe to run again at any time, e.g. after NATS comes back.
 */
public final class DefaultStreamsSetup {

  private static final Logger log = LoggerFactory.getLogger(DefaultStreamsSetup.class);

  private final List<StreamConfiguration> wanted;

  /**
   * @param maxMsgs message-count limit by default stream name (-1 = unlimited); streams not named are unlimited
   */
  public DefaultStreamsSetup(NatsConfig.Streams limits, Map<String, Long> maxMsgs) {
    this.wanted =
        DefaultStreams.configurations(limits).stream()
            .map(
                config ->
                    StreamConfiguration.builder(config)
                        .maxMessages(maxMsgs.getOrDefault(config.getName(), -1L))
                        .build())
            .toList();
  }

  /** The configurations {@link #ensure} applies. */
  public List<StreamConfiguration> wanted() {
    return wanted;
  }

  /** Creates or updates each default stream. */
  public void ensure(Connection connection) throws IOException, JetStreamApiException {
    JetStreamManagement management = connection.jetStreamManagement();
    for (StreamConfiguration config : wanted) {
      ensure(management, config);
    }
  }

  private static void ensure(JetStreamManagement management, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    StreamInfo existing;
    try {
      existing = management.getStreamInfo(wanted.getName());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NatsErrors.STREAM_NOT_FOUND) {
        throw e;
      }
      management.addStream(wanted);
      log.info("created stream {} {}", wanted.getName(), limits(wanted));
      return;
    }
    StreamConfiguration current = existing.getConfiguration();
    if (sameLimits(current, wanted)) {
      log.debug("stream {} already has {}", wanted.getName(), limits(wanted));
      return;
    }
    management.updateStream(wanted);
    log.info("updated stream {} from {} to {}", wanted.getName(), limits(current), limits(wanted));
  }

  private static boolean sameLimits(StreamConfiguration a, StreamConfiguration b) {
    return a.getSubjects().equals(b.getSubjects())
        && a.getMaxAge().equals(b.getMaxAge())
        && a.getMaxBytes() == b.getMaxBytes()
        && a.getMaxMsgs() == b.getMaxMsgs()
        && a.getDuplicateWindow().equals(b.getDuplicateWindow());
  }

  private static String limits(StreamConfiguration c) {
    return "subjects "
        + c.getSubjects()
        + ", max-age "
        + c.getMaxAge()
        + ", max-bytes "
        + c.getMaxBytes()
        + ", max-msgs "
        + c.getMaxMsgs()
        + ", duplicate-window "
        + c.getDuplicateWindow();
  }
}
