package io.marketprism.broker.nats;

import io.grpc.Status;
import io.marketprism.broker.subscribe.MessageSource;
import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.broker.v1.SubscribeStart;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/**
 * Opens the JetStream side of a Subscribe call: binds an existing durable pull consumer, or creates an ephemeral
 * one for the call that is deleted when the call ends (and expires after an inactivity threshold should the broker
 * die first). Thread-safe: holds only the shared connection.
 */
public final class JetStreamSubscriptions {

  private final NatsCalls nats;
  private final JetStream jetStream;
  private final JetStreamManagement management;
  private final JetStreamAdmin admin;
  private final Duration inactiveThreshold;

  public JetStreamSubscriptions(Connection connection, JetStreamAdmin admin, Duration inactiveThreshold)
      throws IOException {
    this.nats = new NatsCalls(connection);
    this.jetStream = connection.jetStream();
    this.management = connection.jetStreamManagement();
    this.admin = admin;
    this.inactiveThreshold = inactiveThreshold;
  }

  /**
   * A source reading through the durable consumer {@code start.durable}: {@code NOT_FOUND} if it does not exist,
   * {@code FAILED_PRECONDITION} if it is a push consumer (it cannot be paced by credits).
   */
  public MessageSource openDurable(SubscribeStart start) {
    ConsumerInfo info = admin.consumerInfo(start.getStream(), start.getDurable());
    ConsumerConfiguration config = info.getConsumerConfiguration();
    if (config.getDeliverSubject() != null) {
      throw Status.FAILED_PRECONDITION
          .withDescription("consumer " + start.getDurable() + " is a push consumer; Subscribe needs a pull consumer")
          .asRuntimeException();
    }
    JetStreamSubscription subscription =
        nats.call(
            "subscribe through " + start.getStream() + "/" + start.getDurable(),
            () -> jetStream.subscribe(null, PullSubscribeOptions.fastBind(start.getStream(), start.getDurable())));
    return new PullConsumerSource(
        subscription,
        management,
        start.getStream(),
        start.getDurable(),
        false,
        config.getAckPolicy(),
        info.getNumPending());
  }

  /** A source over a new ephemeral consumer configured by a validated {@code start}. */
  public MessageSource openEphemeral(SubscribeStart start) {
    String name = "broker-" + UUID.randomUUID().toString().replace("-", "");
    AckPolicy ack =
        start.getAckPolicy() == AckPolicy.ACK_POLICY_EXPLICIT ? AckPolicy.ACK_POLICY_EXPLICIT : AckPolicy.ACK_POLICY_NONE;
    DeliverPolicy deliver =
        start.getDeliverPolicy() == DeliverPolicy.DELIVER_POLICY_UNSPECIFIED
            ? DeliverPolicy.DELIVER_POLICY_NEW
            : start.getDeliverPolicy();
    ConsumerConfiguration.Builder config =
        ConsumerConfiguration.builder()
            .name(name)
            .description("ephemeral consumer of a Subscribe call")
            .deliverPolicy(ConsumerTranslation.deliver(deliver))
            .ackPolicy(ConsumerTranslation.ack(ack))
            .inactiveThreshold(inactiveThreshold);
    if (!start.getFilterSubject().isEmpty()) {
      config.filterSubject(start.getFilterSubject());
    }
    if (start.getStartSequence() > 0) {
      config.startSequence(start.getStartSequence());
    }
    if (start.hasStartTime()) {
      config.startTime(Timestamps.fromProto(start.getStartTime()));
    }
    if (ack == AckPolicy.ACK_POLICY_EXPLICIT) {
      config
          .ackWait(start.hasAckWait() ? Timestamps.fromProto(start.getAckWait()) : ConsumerTranslation.DEFAULT_ACK_WAIT)
          .maxAckPending(
              start.getMaxAckPending() == 0 ? ConsumerTranslation.DEFAULT_MAX_ACK_PENDING : start.getMaxAckPending());
    }
    String what = "subscribe to " + start.getStream();
    ConsumerInfo info = nats.call(what, () -> management.addOrUpdateConsumer(start.getStream(), config.build()));
    try {
      JetStreamSubscription subscription =
          nats.call(what, () -> jetStream.subscribe(null, PullSubscribeOptions.fastBind(start.getStream(), name)));
      return new PullConsumerSource(
          subscription,
          management,
          start.getStream(),
          name,
          true,
          info.getConsumerConfiguration().getAckPolicy(),
          info.getNumPending());
    } catch (RuntimeException e) {
      nats.call("delete consumer " + name, () -> management.deleteConsumer(start.getStream(), name));
      throw e;
    }
  }
}
