package io.marketprism.broker.nats;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.nats.client.JetStreamStatusException;
import io.marketprism.broker.subscribe.MessageSource;
import io.marketprism.broker.v1.DeliveredMessage;
import io.marketprism.broker.v1.Header;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MessageSource} over a JetStream pull consumer: each fetch asks for at most the credit left. Messages
 * awaiting the client's ack are kept by stream sequence so an ack by sequence can be passed on to JetStream.
 *
 * <p>Thread-safety: {@link #fetch} and {@link #close} run on the delivery loop; {@link #ack} on the request thread.
 * The unacknowledged messages are a concurrent map; jnats acks are thread-safe.
 */
final class PullConsumerSource implements MessageSource {

  private static final Logger log = LoggerFactory.getLogger(PullConsumerSource.class);

  private final JetStreamSubscription subscription;
  private final JetStreamManagement management;
  private final String stream;
  private final String consumer;
  private final boolean ephemeral;
  private final AckPolicy ackPolicy;
  private final ConcurrentSkipListMap<Long, Message> unacked = new ConcurrentSkipListMap<>();
  private volatile long numPending;

  PullConsumerSource(
      JetStreamSubscription subscription,
      JetStreamManagement management,
      String stream,
      String consumer,
      boolean ephemeral,
      AckPolicy ackPolicy,
      long numPending) {
    this.subscription = subscription;
    this.management = management;
    this.stream = stream;
    this.consumer = consumer;
    this.ephemeral = ephemeral;
    this.ackPolicy = ackPolicy;
    this.numPending = numPending;
  }

  @Override
  public List<DeliveredMessage> fetch(int max, Duration wait) {
    List<Message> messages;
    try {
      messages = subscription.fetch(max, wait);
    } catch (JetStreamStatusException e) {
      throw statusOf(e);
    }
    List<DeliveredMessage> delivered = new ArrayList<>(messages.size());
    for (Message message : messages) {
      NatsJetStreamMetaData meta = message.metaData();
      if (ackPolicy != AckPolicy.None) {
        unacked.put(meta.streamSequence(), message);
      }
      numPending = meta.pendingCount();
      delivered.add(toProto(message, meta));
    }
    return delivered;
  }

  @Override
  public void ack(List<Long> sequences) {
    for (long sequence : sequences) {
      Message message = unacked.remove(sequence);
      if (message == null) {
        continue;
      }
      message.ack();
      if (ackPolicy == AckPolicy.All) {
        // Acknowledging one acknowledges every earlier one.
        Map<Long, Message> earlier = unacked.headMap(sequence);
        earlier.clear();
      }
    }
  }

  @Override
  public long numPending() {
    try {
      numPending = subscription.getConsumerInfo().getNumPending();
    } catch (Exception e) {
      log.debug("consumer info of {}/{} unavailable; using the last known lag", stream, consumer, e);
    }
    return numPending;
  }

  @Override
  public void close() {
    try {
      subscription.unsubscribe();
    } catch (RuntimeException e) {
      log.debug("unsubscribing {}/{} failed", stream, consumer, e);
    }
    if (ephemeral) {
      try {
        management.deleteConsumer(stream, consumer);
      } catch (Exception e) {
        // Its inactive threshold removes it later.
        log.info("could not delete ephemeral consumer {}/{}: {}", stream, consumer, e.toString());
      }
    }
  }

  /** A pull that JetStream refused: the consumer (or its stream) is gone, or something else went wrong there. */
  private RuntimeException statusOf(JetStreamStatusException e) {
    io.nats.client.support.Status status = e.getStatus();
    String text = "consumer " + stream + "/" + consumer + ": " + status.getMessageWithCode();
    boolean gone =
        status.getCode() == 404 || (status.getCode() == 409 && String.valueOf(status.getMessage()).contains("Deleted"));
    return (gone ? Status.NOT_FOUND : Status.UNAVAILABLE).withDescription(text).asRuntimeException();
  }

  private static DeliveredMessage toProto(Message message, NatsJetStreamMetaData meta) {
    DeliveredMessage.Builder proto =
        DeliveredMessage.newBuilder()
            .setSubject(message.getSubject())
            .setSequence(meta.streamSequence())
            .setDeliveryCount((int) meta.deliveredCount())
            .setNumPending(meta.pendingCount())
            .setPayload(ByteString.copyFrom(Optional.ofNullable(message.getData()).orElse(new byte[0])));
    Optional.ofNullable(Timestamps.toProto(meta.timestamp())).ifPresent(proto::setTime);
    Headers headers = message.getHeaders();
    if (headers != null) {
      for (var entry : headers.entrySet()) {
        for (String value : entry.getValue()) {
          proto.addHeaders(Header.newBuilder().setName(entry.getKey()).setValue(value));
        }
      }
    }
    return proto.build();
  }
}
