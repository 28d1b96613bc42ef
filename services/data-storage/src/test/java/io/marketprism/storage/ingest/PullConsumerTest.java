package io.marketprism.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core-NATS pull consumer against a real JetStream: every message once, in order, across requests that end. */
@WithNats
class PullConsumerTest {

  static NatsServer natsServer;

  static final String STREAM = "PULL_TEST";

  Connection nats;
  JetStreamManagement management;

  @BeforeEach
  void createStream() throws Exception {
    nats = Nats.connect(natsServer.url());
    management = nats.jetStreamManagement();
    try {
      management.deleteStream(STREAM);
    } catch (Exception absent) {
      // first run
    }
    management.addStream(StreamConfiguration.builder().name(STREAM).subjects("pull.>")
        .storageType(StorageType.Memory).build());
  }

  @AfterEach
  void close() throws Exception {
    management.deleteStream(STREAM);
    nats.close();
  }

  @Test
  void everyMessageComesOnceInStreamOrderAcrossManyRequests() throws Exception {
    durable("many");
    publish(0, 2_500);
    List<Long> sequences = new ArrayList<>();
    try (PullConsumer consumer = new PullConsumer(nats, STREAM, "many", 100, Duration.ofSeconds(2))) {
      Message message;
      while ((message = consumer.next(Duration.ofSeconds(1))) != null) {
        sequences.add(new NatsJetStreamMetaData((NatsMessage) message).streamSequence());
        message.ack();
      }
    }
    assertThat(sequences).hasSize(2_500);
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void requestsThatExpireEmptyAreRenewedSoLaterMessagesStillCome() throws Exception {
    durable("idle");
    try (PullConsumer consumer = new PullConsumer(nats, STREAM, "idle", 10, Duration.ofMillis(300))) {
      // several expiries pass with nothing in the stream: each 408 ends a request, and new ones go out
      assertThat(consumer.next(Duration.ofSeconds(2))).isNull();
      publish(0, 25);
      List<String> bodies = new ArrayList<>();
      Message message;
      while (bodies.size() < 25 && (message = consumer.next(Duration.ofSeconds(5))) != null) {
        bodies.add(new String(message.getData(), StandardCharsets.UTF_8));
        message.ack();
      }
      assertThat(bodies).hasSize(25).startsWith("0", "1", "2").endsWith("24");
    }
  }

  @Test
  void aFullAckWindowMakesRequestsWaitRatherThanSpin() throws Exception {
    management.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder().durable("window")
        .ackPolicy(AckPolicy.Explicit).maxAckPending(10).build());
    publish(0, 50);
    try (PullConsumer consumer = new PullConsumer(nats, STREAM, "window", 20, Duration.ofSeconds(1))) {
      List<Message> unacked = new ArrayList<>();
      Message message;
      while ((message = consumer.next(Duration.ofSeconds(3))) != null) {
        unacked.add(message);
      }
      assertThat(unacked).hasSize(10); // the window
      // ~3 s of waiting with 1 s expiries: a handful of requests, not a loop
      assertThat(consumer.requestsSent()).isLessThan(15);
      unacked.forEach(Message::ack);
      // within the consumer's own recovery time: if the server let a waiting request lapse without a word, the
      // silence (expiry 1 s + 5 s grace) makes the consumer ask anew
      assertThat(consumer.next(Duration.ofSeconds(10))).isNotNull();
    }
  }

  @Test
  void aDeletedConsumerIsReportedAsGone() throws Exception {
    durable("deleted");
    try (PullConsumer consumer = new PullConsumer(nats, STREAM, "deleted", 10, Duration.ofSeconds(5))) {
      assertThat(consumer.next(Duration.ofMillis(200))).isNull(); // a request is waiting on the server now
      management.deleteConsumer(STREAM, "deleted");
      assertThatThrownBy(() -> consumer.next(Duration.ofSeconds(10)))
          .isInstanceOf(PullConsumer.ConsumerGoneException.class);
    }
  }

  @Test
  void aConsumerThatDoesNotExistIsReportedAsGone() {
    // JetStream does not answer a pull request to a consumer it does not have: the silence is noticed after the
    // expiry and a grace, and the consumer looked up
    try (PullConsumer consumer = new PullConsumer(nats, STREAM, "never-made", 10, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> consumer.next(Duration.ofSeconds(20)))
          .isInstanceOf(PullConsumer.ConsumerGoneException.class);
    }
  }

  private void durable(String name) throws Exception {
    management.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder().durable(name)
        .ackPolicy(AckPolicy.Explicit).build());
  }

  private void publish(int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      nats.jetStream().publish(NatsMessage.builder().subject("pull.test")
          .data(Integer.toString(i).getBytes(StandardCharsets.UTF_8)).build());
    }
  }
}
