package io.marketprism.broker.nats;

import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.Consumer;
import io.marketprism.broker.v1.ConsumerConfig;
import io.marketprism.broker.v1.ConsumerState;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.broker.v1.SequencePair;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.SequenceInfo;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Consumer configs and infos between the contract and jnats, with the contract's defaults (deliver all, explicit
 * acks, 30 s ack wait, 1000 unacknowledged). Every consumer is a pull consumer. Stateless.
 */
final class ConsumerTranslation {

  static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
  static final int DEFAULT_MAX_ACK_PENDING = 1000;

  private ConsumerTranslation() {}

  /** The contract config with every default filled in, as JetStream will store it. */
  static ConsumerConfig withDefaults(ConsumerConfig config) {
    ConsumerConfig.Builder builder = config.toBuilder();
    if (config.getDeliverPolicy() == DeliverPolicy.DELIVER_POLICY_UNSPECIFIED) {
      builder.setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_ALL);
    }
    if (config.getAckPolicy() == AckPolicy.ACK_POLICY_UNSPECIFIED) {
      builder.setAckPolicy(AckPolicy.ACK_POLICY_EXPLICIT);
    }
    if (!config.hasAckWait()) {
      builder.setAckWait(Timestamps.toProto(DEFAULT_ACK_WAIT));
    }
    if (config.getMaxAckPending() == 0) {
      builder.setMaxAckPending(DEFAULT_MAX_ACK_PENDING);
    }
    return builder.build();
  }

  /** A durable pull consumer for a validated contract config. */
  static ConsumerConfiguration toNats(ConsumerConfig config) {
    ConsumerConfig full = withDefaults(config);
    ConsumerConfiguration.Builder builder =
        ConsumerConfiguration.builder()
            .durable(full.getName())
            .deliverPolicy(deliver(full.getDeliverPolicy()))
            .ackPolicy(ack(full.getAckPolicy()))
            .ackWait(Timestamps.fromProto(full.getAckWait()))
            .maxDeliver(full.getMaxDeliver() == 0 ? -1 : full.getMaxDeliver())
            .maxAckPending(full.getMaxAckPending());
    if (!full.getDescription().isEmpty()) {
      builder.description(full.getDescription());
    }
    if (!full.getFilterSubject().isEmpty()) {
      builder.filterSubject(full.getFilterSubject());
    }
    if (full.getStartSequence() > 0) {
      builder.startSequence(full.getStartSequence());
    }
    if (full.hasStartTime()) {
      builder.startTime(Timestamps.fromProto(full.getStartTime()));
    }
    if (full.hasInactiveThreshold()) {
      builder.inactiveThreshold(Timestamps.fromProto(full.getInactiveThreshold()));
    }
    return builder.build();
  }

  static ConsumerConfig toProto(ConsumerConfiguration nats) {
    ConsumerConfig.Builder config =
        ConsumerConfig.newBuilder()
            .setName(Optional.ofNullable(nats.getDurable()).orElse(nats.getName()))
            .setDescription(Optional.ofNullable(nats.getDescription()).orElse(""))
            .setFilterSubject(Optional.ofNullable(nats.getFilterSubject()).orElse(""))
            .setDeliverPolicy(deliver(nats.getDeliverPolicy()))
            .setAckPolicy(ack(nats.getAckPolicy()))
            .setMaxDeliver((int) Math.max(0, nats.getMaxDeliver()))
            .setMaxAckPending((int) Math.max(0, nats.getMaxAckPending()));
    if (nats.getStartSequence() > 0) {
      config.setStartSequence(nats.getStartSequence());
    }
    Optional.ofNullable(Timestamps.toProto(nats.getStartTime())).ifPresent(config::setStartTime);
    if (!Timestamps.unset(nats.getAckWait())) {
      config.setAckWait(Timestamps.toProto(nats.getAckWait()));
    }
    if (!Timestamps.unset(nats.getInactiveThreshold())) {
      config.setInactiveThreshold(Timestamps.toProto(nats.getInactiveThreshold()));
    }
    return config.build();
  }

  static Consumer toProto(ConsumerInfo info) {
    ConsumerState state =
        ConsumerState.newBuilder()
            .setDelivered(pair(info.getDelivered()))
            .setAckFloor(pair(info.getAckFloor()))
            .setNumPending(info.getNumPending())
            .setNumAckPending(info.getNumAckPending())
            .setNumRedelivered(info.getRedelivered())
            .setNumWaiting((int) info.getNumWaiting())
            .build();
    Consumer.Builder consumer =
        Consumer.newBuilder()
            .setStream(info.getStreamName())
            .setConfig(toProto(info.getConsumerConfiguration()))
            .setState(state);
    Optional.ofNullable(Timestamps.toProto(info.getCreationTime())).ifPresent(consumer::setCreateTime);
    return consumer.build();
  }

  private static SequencePair pair(SequenceInfo info) {
    SequencePair.Builder pair = SequencePair.newBuilder();
    if (info != null) {
      pair.setConsumerSequence(info.getConsumerSequence()).setStreamSequence(info.getStreamSequence());
      ZonedDateTime lastActive = info.getLastActive();
      Optional.ofNullable(Timestamps.toProto(lastActive)).ifPresent(pair::setLastActive);
    }
    return pair.build();
  }

  static io.nats.client.api.DeliverPolicy deliver(DeliverPolicy policy) {
    return switch (policy) {
      case DELIVER_POLICY_LAST -> io.nats.client.api.DeliverPolicy.Last;
      case DELIVER_POLICY_NEW -> io.nats.client.api.DeliverPolicy.New;
      case DELIVER_POLICY_BY_START_SEQUENCE -> io.nats.client.api.DeliverPolicy.ByStartSequence;
      case DELIVER_POLICY_BY_START_TIME -> io.nats.client.api.DeliverPolicy.ByStartTime;
      case DELIVER_POLICY_LAST_PER_SUBJECT -> io.nats.client.api.DeliverPolicy.LastPerSubject;
      default -> io.nats.client.api.DeliverPolicy.All;
    };
  }

  private static DeliverPolicy deliver(io.nats.client.api.DeliverPolicy policy) {
    return switch (policy) {
      case Last -> DeliverPolicy.DELIVER_POLICY_LAST;
      case New -> DeliverPolicy.DELIVER_POLICY_NEW;
      case ByStartSequence -> DeliverPolicy.DELIVER_POLICY_BY_START_SEQUENCE;
      case ByStartTime -> DeliverPolicy.DELIVER_POLICY_BY_START_TIME;
      case LastPerSubject -> DeliverPolicy.DELIVER_POLICY_LAST_PER_SUBJECT;
      default -> DeliverPolicy.DELIVER_POLICY_ALL;
    };
  }

  static io.nats.client.api.AckPolicy ack(AckPolicy policy) {
    return switch (policy) {
      case ACK_POLICY_NONE -> io.nats.client.api.AckPolicy.None;
      case ACK_POLICY_ALL -> io.nats.client.api.AckPolicy.All;
      default -> io.nats.client.api.AckPolicy.Explicit;
    };
  }

  private static AckPolicy ack(io.nats.client.api.AckPolicy policy) {
    return switch (policy) {
      case None -> AckPolicy.ACK_POLICY_NONE;
      case All -> AckPolicy.ACK_POLICY_ALL;
      default -> AckPolicy.ACK_POLICY_EXPLICIT;
    };
  }
}
