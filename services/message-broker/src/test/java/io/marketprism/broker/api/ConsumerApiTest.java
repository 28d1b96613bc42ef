package io.marketprism.broker.api;

import static io.marketprism.broker.BrokerFixture.streamConfig;
import static io.marketprism.broker.BrokerFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.broker.BrokerFixture;
import io.marketprism.broker.v1.AckPolicy;
import io.marketprism.broker.v1.Consumer;
import io.marketprism.broker.v1.ConsumerConfig;
import io.marketprism.broker.v1.CreateConsumerRequest;
import io.marketprism.broker.v1.CreateStreamRequest;
import io.marketprism.broker.v1.DeleteConsumerRequest;
import io.marketprism.broker.v1.DeliverPolicy;
import io.marketprism.broker.v1.GetConsumerRequest;
import io.marketprism.broker.v1.ListConsumersRequest;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class ConsumerApiTest {

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

  private static String stream(String prefix) {
    String name = uniqueName(prefix);
    broker.blocking()
        .createStream(CreateStreamRequest.newBuilder().setConfig(streamConfig(name, name.toLowerCase())).build());
    return name;
  }

  private static Consumer get(String stream, String name) {
    return broker.blocking()
        .getConsumer(GetConsumerRequest.newBuilder().setStream(stream).setName(name).build())
        .getConsumer();
  }

  @Test
  void consumerReportsLagAndProgressAfterPublishesAndAcks() throws Exception {
    String stream = stream("LAG");
    broker.blocking()
        .createConsumer(
            CreateConsumerRequest.newBuilder()
                .setStream(stream)
                .setConfig(ConsumerConfig.newBuilder().setName("reader"))
                .build());
    for (int i = 0; i < 5; i++) {
      broker.blocking().publish(PublishRequest.newBuilder().setSubject(stream.toLowerCase() + ".t").build());
    }
    Consumer before = get(stream, "reader");

    try (Connection connection = Nats.connect(nats.url())) {
      JetStreamSubscription sub =
          connection.jetStream().subscribe(null, PullSubscribeOptions.bind(stream, "reader"));
      List<Message> two = sub.fetch(2, Duration.ofSeconds(5));
      assertThat(two).hasSize(2);
      two.get(0).ackSync(Duration.ofSeconds(5));
    }
    Consumer after = get(stream, "reader");

    assertThat(before.getState().getNumPending()).isEqualTo(5);
    assertThat(before.getState().getNumAckPending()).isZero();
    assertThat(before.getState().getDelivered().getStreamSequence()).isZero();
    assertThat(before.getConfig().getAckPolicy()).isEqualTo(AckPolicy.ACK_POLICY_EXPLICIT);
    assertThat(before.getConfig().getDeliverPolicy()).isEqualTo(DeliverPolicy.DELIVER_POLICY_ALL);
    assertThat(before.getConfig().getMaxAckPending()).isEqualTo(1000);
    assertThat(before.getConfig().getAckWait().getSeconds()).isEqualTo(30);
    assertThat(after.getState().getNumPending()).isEqualTo(3);
    assertThat(after.getState().getNumAckPending()).isEqualTo(1);
    assertThat(after.getState().getDelivered().getStreamSequence()).isEqualTo(2);
    assertThat(after.getState().getAckFloor().getStreamSequence()).isEqualTo(1);
  }

  @Test
  void createIsIdempotentForTheSameConfigAndAlreadyExistsForAnother() {
    String stream = stream("CIDEM");
    ConsumerConfig config = ConsumerConfig.newBuilder().setName("same").setMaxAckPending(10).build();
    CreateConsumerRequest request = CreateConsumerRequest.newBuilder().setStream(stream).setConfig(config).build();
    broker.blocking().createConsumer(request);

    Consumer again = broker.blocking().createConsumer(request).getConsumer();
    StatusRuntimeException different =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .createConsumer(request.toBuilder().setConfig(config.toBuilder().setMaxAckPending(20)).build()),
            StatusRuntimeException.class);

    assertThat(again.getConfig().getMaxAckPending()).isEqualTo(10);
    assertThat(different.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(get(stream, "same").getConfig().getMaxAckPending()).isEqualTo(10);
  }

  @Test
  void listAndDeleteConsumers() {
    String stream = stream("CLIST");
    for (String name : List.of("b", "a", "c")) {
      broker.blocking()
          .createConsumer(
              CreateConsumerRequest.newBuilder()
                  .setStream(stream)
                  .setConfig(ConsumerConfig.newBuilder().setName(name))
                  .build());
    }

    broker.blocking().deleteConsumer(DeleteConsumerRequest.newBuilder().setStream(stream).setName("b").build());
    List<String> names =
        broker.blocking().listConsumers(ListConsumersRequest.newBuilder().setStream(stream).build())
            .getConsumersList().stream().map(c -> c.getConfig().getName()).toList();
    StatusRuntimeException gone =
        catchThrowableOfType(() -> get(stream, "b"), StatusRuntimeException.class);

    assertThat(names).containsExactly("a", "c");
    assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void invalidConsumerConfigNamesEveryFieldAtFault() {
    String stream = stream("CBAD");
    ConsumerConfig bad =
        ConsumerConfig.newBuilder()
            .setName("no spaces please")
            .setFilterSubject("elsewhere.>")
            .setDeliverPolicy(DeliverPolicy.DELIVER_POLICY_BY_START_SEQUENCE)
            .setMaxAckPending(-3)
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .createConsumer(CreateConsumerRequest.newBuilder().setStream(stream).setConfig(bad).build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.violatedFields(e))
        .containsExactlyInAnyOrder(
            "config.name", "config.filter_subject", "config.start_sequence", "config.max_ack_pending");
  }

  @Test
  void consumerOnAnUnknownStreamIsNotFound() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .createConsumer(
                        CreateConsumerRequest.newBuilder()
                            .setStream(uniqueName("NOSUCH"))
                            .setConfig(ConsumerConfig.newBuilder().setName("x"))
                            .build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void listingConsumersOfAnUnknownStreamIsNotFound() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .listConsumers(ListConsumersRequest.newBuilder().setStream(uniqueName("NOSUCH")).build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
