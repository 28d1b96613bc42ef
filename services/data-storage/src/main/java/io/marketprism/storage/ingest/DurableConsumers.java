package io.marketprism.storage.ingest;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates the ingest's durable consumers. An existing durable keeps where it started (JetStream refuses to
 * change that); one with another ack policy (the ingest moved from ack-all to explicit acks), which JetStream cannot
 * change in place either, is replaced.
 */
final class DurableConsumers {

  private static final Logger log = LoggerFactory.getLogger(DurableConsumers.class);

  private DurableConsumers() {}

  /**
   * Makes {@code wanted} the configuration of its durable on {@code stream}. An existing durable with another ack
   * policy is replaced by one that starts right after its ack floor: everything it had not acked is delivered again
   * (the tables' keys make that harmless), nothing acked is read twice without need.
   */
  static void ensure(JetStreamManagement management, String stream, ConsumerConfiguration wanted)
      throws IOException, JetStreamApiException {
    ConsumerInfo existing;
    try {
      existing = management.getConsumerInfo(stream, wanted.getDurable());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NatsJetStreamConstants.JS_CONSUMER_NOT_FOUND_ERR) {
        throw e;
      }
      existing = null;
    }
    if (existing == null) {
      management.addOrUpdateConsumer(stream, wanted);
      return;
    }
    ConsumerConfiguration current = existing.getConsumerConfiguration();
    if (current.getAckPolicy() == wanted.getAckPolicy()) {
      // where a durable starts only matters when it is created, and JetStream refuses to change it afterwards
      management.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(wanted)
          .deliverPolicy(current.getDeliverPolicy()).startSequence(current.getStartSequence())
          .startTime(current.getStartTime()).build());
      return;
    }
    long resumeAt = existing.getAckFloor().getStreamSequence() + 1;
    log.info("replacing durable {} (ack policy {} → {}), resuming at stream sequence {}", wanted.getDurable(),
        existing.getConsumerConfiguration().getAckPolicy(), wanted.getAckPolicy(), resumeAt);
    management.deleteConsumer(stream, wanted.getDurable());
    management.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(wanted)
        .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(resumeAt).build());
  }
}
