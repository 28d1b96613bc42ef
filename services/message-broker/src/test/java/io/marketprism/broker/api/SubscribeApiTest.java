package io.marketprism.broker.api;

import static io.marketprism.broker.BrokerFixture.streamConfig;
import static io.marketprism.broker.BrokerFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.marketprism.broker.BrokerFixture;
import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.Consumer;
import io.marketprism.broker.v1.ConsumerConfig;
import io.marketprism.broker.v1.CreateConsumerRequest;
import io.marketprism.broker.v1.CreateStreamRequest;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.broker.v1.DeliveredMessage;
import io.marketprism.broker.v1.GetConsumerRequest;
import io.marketprism.broker.v1.GetStreamRequest;
import io.marketprism.broker.v1.Header;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.broker.v1.SubscribeHeartbeat;
import io.marketprism.broker.v1.SubscribeRequest;
import io.marketprism.broker.v1.SubscribeStart;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class SubscribeApiTest {

  static NatsServer nats;
  static BrokerFixture broker;

  @BeforeAll
  static void startBroker() {
    broker = BrokerFixture.start(nats);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  /** A new stream holding {@code count} messages with payloads m1, m2, ... */
  private static String streamWith(String prefix, int count) {
    String name = uniqueName(prefix);
    broker.blocking()
        .createStream(CreateStreamRequest.newBuilder().setConfig(streamConfig(name, name.toLowerCase())).build());
    publish(name, 1, count);
    return name;
  }

  private static void publish(String stream, int from, int to) {
    for (int i = from; i <= to; i++) {
      broker.blocking()
          .publish(
              PublishRequest.newBuilder()
                  .setSubject(stream.toLowerCase() + ".tick")
                  .setPayload(ByteString.copyFromUtf8("m" + i))
                  .addHeaders(Header.newBuilder().setName("n").setValue(String.valueOf(i)))
                  .build());
    }
  }

  private static int consumerCount(String stream) {
    return broker.blocking().getStream(GetStreamRequest.newBuilder().setName(stream).build()).getStream()
        .getState().getConsumerCount();
  }

  @Test
  void fromASequenceDeliversExactlyTheGrantedMessagesInOrder() throws Exception {
    String stream = streamWith("SEQ", 10);
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_BY_START_SEQUENCE)
                .setStartSequence(4)
                .setInitialCredits(3)
                .build());

    List<DeliveredMessage> first = client.messages(3);
    SubscribeHeartbeat whileOutOfCredit = client.heartbeat();
    client.grant(10);
    List<DeliveredMessage> rest = client.messages(4);
    SubscribeHeartbeat caughtUp = client.heartbeat();
    client.halfClose();

    assertThat(first).extracting(DeliveredMessage::getSequence).containsExactly(4L, 5L, 6L);
    assertThat(first).extracting(m -> m.getPayload().toStringUtf8()).containsExactly("m4", "m5", "m6");
    assertThat(first.get(0).getHeadersList()).contains(Header.newBuilder().setName("n").setValue("4").build());
    assertThat(first.get(0).getSubject()).isEqualTo(stream.toLowerCase() + ".tick");
    assertThat(first.get(0).getDeliveryCount()).isEqualTo(1);
    assertThat(first.get(0).getNumPending()).isEqualTo(6);
    assertThat(first.get(0).hasTime()).isTrue();
    assertThat(whileOutOfCredit.getRemainingCredits()).isZero();
    assertThat(whileOutOfCredit.getNumPending()).isEqualTo(4);
    assertThat(rest).extracting(DeliveredMessage::getSequence).containsExactly(7L, 8L, 9L, 10L);
    assertThat(caughtUp.getRemainingCredits()).isEqualTo(6);
    assertThat(caughtUp.getNumPending()).isZero();
    assertThat(client.end().getCode()).isEqualTo(Status.Code.OK);
  }

  @Test
  void fromATimeStartsAtTheFirstMessageStoredAtOrAfterIt() throws Exception {
    String stream = streamWith("TIME", 3);
    Timestamp thirdStored =
        broker.blocking().getStream(GetStreamRequest.newBuilder().setName(stream).build()).getStream()
            .getState().getLastTime();
    publish(stream, 4, 5);

    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_BY_START_TIME)
                .setStartTime(thirdStored)
                .setInitialCredits(100)
                .build());

    List<DeliveredMessage> messages = client.messages(3);
    SubscribeHeartbeat idle = client.heartbeat();
    client.cancel();

    assertThat(messages).extracting(DeliveredMessage::getSequence).containsExactly(3L, 4L, 5L);
    assertThat(messages.get(0).getTime()).isEqualTo(thirdStored);
    assertThat(idle.getRemainingCredits()).isEqualTo(97);
  }

  @Test
  void clientCancelDeletesTheEphemeralConsumer() throws Exception {
    String stream = streamWith("CANCEL", 1);
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_ALL)
                .setInitialCredits(1)
                .build());
    client.messages(1);
    assertThat(consumerCount(stream)).isEqualTo(1);

    client.cancel();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumerCount(stream)).isZero());
  }

  @Test
  void explicitAcksThroughADurableConsumerMoveItsAckFloor() throws Exception {
    String stream = streamWith("DURABLE", 3);
    broker.blocking()
        .createConsumer(
            CreateConsumerRequest.newBuilder()
                .setStream(stream)
                .setConfig(ConsumerConfig.newBuilder().setName("worker"))
                .build());
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder().setStream(stream).setDurable("worker").setInitialCredits(3).build());

    List<DeliveredMessage> messages = client.messages(3);
    client.ack(1L, 2L);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Consumer worker =
                  broker.blocking()
                      .getConsumer(GetConsumerRequest.newBuilder().setStream(stream).setName("worker").build())
                      .getConsumer();
              assertThat(worker.getState().getAckFloor().getStreamSequence()).isEqualTo(2);
              assertThat(worker.getState().getNumAckPending()).isEqualTo(1);
            });
    client.halfClose();
    assertThat(client.end().getCode()).isEqualTo(Status.Code.OK);
    assertThat(messages).extracting(DeliveredMessage::getSequence).containsExactly(1L, 2L, 3L);
    assertThat(consumerCount(stream)).as("a durable consumer outlives the call").isEqualTo(1);
  }

  @Test
  void durableAlreadyBoundToAnotherCallIsFailedPrecondition() throws Exception {
    String stream = streamWith("BOUND", 1);
    broker.blocking()
        .createConsumer(
            CreateConsumerRequest.newBuilder()
                .setStream(stream)
                .setConfig(ConsumerConfig.newBuilder().setName("only"))
                .build());
    SubscribeStart start = SubscribeStart.newBuilder().setStream(stream).setDurable("only").setInitialCredits(1).build();
    SubscribeClient first = SubscribeClient.open(broker.async(), start);
    first.messages(1);

    SubscribeClient second = SubscribeClient.open(broker.async(), start);

    assertThat(second.end().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    first.cancel();
  }

  @Test
  void unacknowledgedMessageIsSentAgainAndUsesCreditAgain() throws Exception {
    String stream = streamWith("REDELIVER", 1);
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_ALL)
                .setAckPolicy(AckPolicy.ACK_POLICY_EXPLICIT)
                .setAckWait(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000))
                .setInitialCredits(2)
                .build());

    List<DeliveredMessage> twice = client.messages(2);
    client.ack(1L);
    client.grant(1);
    SubscribeHeartbeat after = client.heartbeat();
    client.cancel();

    assertThat(twice).extracting(DeliveredMessage::getSequence).containsExactly(1L, 1L);
    assertThat(twice).extracting(DeliveredMessage::getDeliveryCount).containsExactly(1, 2);
    assertThat(after.getRemainingCredits()).isEqualTo(1);
  }

  @Test
  void firstMessageOtherThanStartIsInvalidArgument() throws Exception {
    SubscribeClient client = new SubscribeClient();
    broker.async().subscribe(client);
    client.grant(5);

    Status end = client.end();

    assertThat(end.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(end.getDescription()).contains("start");
  }

  @Test
  void secondStartIsInvalidArgument() throws Exception {
    String stream = streamWith("RESTART", 0);
    SubscribeStart start = SubscribeStart.newBuilder().setStream(stream).build();
    SubscribeClient client = SubscribeClient.open(broker.async(), start);
    client.heartbeat();

    client.send(SubscribeRequest.newBuilder().setStart(start).build());

    assertThat(client.end().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumerCount(stream)).isZero());
  }

  @Test
  void badStartNamesTheFieldsAndUnknownStreamIsNotFound() throws Exception {
    String stream = streamWith("BADSTART", 0);
    SubscribeClient outside =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setFilterSubject("elsewhere.>")
                .setAckPolicy(AckPolicy.ACK_POLICY_ALL)
                .setInitialCredits(-1)
                .build());
    SubscribeClient unknown =
        SubscribeClient.open(broker.async(), SubscribeStart.newBuilder().setStream(uniqueName("NOSUCH")).build());

    Status outsideEnd = outside.end();
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(outsideEnd, null);

    assertThat(outsideEnd.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outsideEnd.getDescription())
        .contains("start.filter_subject", "start.ack_policy", "start.initial_credits");
    assertThat(details.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(unknown.end().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void unknownDurableConsumerIsNotFoundAndReleasesItsClaim() throws Exception {
    String stream = streamWith("NODURABLE", 1);
    SubscribeStart start = SubscribeStart.newBuilder().setStream(stream).setDurable("later").setInitialCredits(1).build();

    Status missing = SubscribeClient.open(broker.async(), start).end();
    broker.blocking()
        .createConsumer(
            CreateConsumerRequest.newBuilder()
                .setStream(stream)
                .setConfig(ConsumerConfig.newBuilder().setName("later"))
                .build());
    SubscribeClient afterCreate = SubscribeClient.open(broker.async(), start);
    List<DeliveredMessage> delivered = afterCreate.messages(1);
    afterCreate.cancel();

    assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(delivered).extracting(DeliveredMessage::getSequence).containsExactly(1L);
  }

  @Test
  void servedCallsAndDeliveredMessagesShowInMetrics() throws Exception {
    String stream = streamWith("METRICS", 2);
    double before = broker.metric("marketprism_broker_subscribe_messages");
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_ALL)
                .setInitialCredits(2)
                .build());
    client.messages(2);

    assertThat(broker.metric("marketprism_broker_subscribe_messages") - before).isEqualTo(2.0);
    assertThat(broker.metric("marketprism_broker_subscribe_calls")).isGreaterThanOrEqualTo(1.0);
    client.halfClose();
    client.end();
  }

  @Test
  void deletingTheStreamEndsItsSubscriptionsWithNotFound() throws Exception {
    String stream = streamWith("DELETED", 1);
    SubscribeClient client =
        SubscribeClient.open(
            broker.async(),
            SubscribeStart.newBuilder()
                .setStream(stream)
                .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_ALL)
                .setInitialCredits(5)
                .build());
    client.messages(1);

    broker.blocking().deleteStream(io.marketprism.broker.v1.DeleteStreamRequest.newBuilder().setName(stream).build());

    Status end = client.end();
    assertThat(end.getCode()).as("%s", end).isEqualTo(Status.Code.NOT_FOUND);
  }
}
