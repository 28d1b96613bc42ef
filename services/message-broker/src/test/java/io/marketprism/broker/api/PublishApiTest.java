package io.marketprism.broker.api;

import static io.marketprism.broker.BrokerFixture.streamConfig;
import static io.marketprism.broker.BrokerFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.broker.BrokerFixture;
import io.marketprism.broker.v1.CreateStreamRequest;
import io.marketprism.broker.v1.DiscardPolicy;
import io.marketprism.broker.v1.GetStreamRequest;
import io.marketprism.broker.v1.Header;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.broker.v1.PublishResponse;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class PublishApiTest {

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

  @Test
  void publishWithARepeatedMsgIdReportsTheOriginalAsDuplicate() {
    String name = stream("DUP");
    PublishRequest request =
        PublishRequest.newBuilder()
            .setSubject(name.toLowerCase() + ".x")
            .setPayload(ByteString.copyFromUtf8("hello"))
            .setMsgId("binance:trade:BTC-USDT:1")
            .build();

    PublishResponse first = broker.blocking().publish(request);
    PublishResponse second = broker.blocking().publish(request);
    PublishResponse other = broker.blocking().publish(request.toBuilder().setMsgId("binance:trade:BTC-USDT:2").build());

    assertThat(first.getStream()).isEqualTo(name);
    assertThat(first.getSequence()).isEqualTo(1);
    assertThat(first.getDuplicate()).isFalse();
    assertThat(second.getSequence()).isEqualTo(1);
    assertThat(second.getDuplicate()).isTrue();
    assertThat(other.getSequence()).isEqualTo(2);
    assertThat(other.getDuplicate()).isFalse();
    assertThat(broker.blocking().getStream(GetStreamRequest.newBuilder().setName(name).build()).getStream()
            .getState().getMessages()).isEqualTo(2);
  }

  @Test
  void subjectNoStreamCapturesIsNotFound() {
    StatusRuntimeException e =
        catchThrowableOfType(
            () -> broker.blocking().publish(PublishRequest.newBuilder().setSubject("nobody.listens.here").build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void wildcardSubjectAndReservedHeadersAreInvalid() {
    PublishRequest request =
        PublishRequest.newBuilder()
            .setSubject("md.trade.*")
            .addHeaders(Header.newBuilder().setName("Nats-Msg-Id").setValue("x"))
            .addHeaders(Header.newBuilder().setName("ok").setValue("line\nbreak"))
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(() -> broker.blocking().publish(request), StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.violatedFields(e)).containsExactly("subject", "headers[0].name", "headers[1].value");
  }

  @Test
  void expectationsThatDoNotHoldAreFailedPrecondition() {
    String name = stream("EXPECT");
    PublishRequest request = PublishRequest.newBuilder().setSubject(name.toLowerCase() + ".x").build();
    broker.blocking().publish(request);

    StatusRuntimeException wrongStream =
        catchThrowableOfType(
            () -> broker.blocking().publish(request.toBuilder().setExpectedStream("SOME_OTHER").build()),
            StatusRuntimeException.class);
    StatusRuntimeException wrongSequence =
        catchThrowableOfType(
            () -> broker.blocking().publish(request.toBuilder().setExpectedLastSequence(5).build()),
            StatusRuntimeException.class);
    PublishResponse rightSequence = broker.blocking().publish(request.toBuilder().setExpectedLastSequence(1).build());

    assertThat(wrongStream.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(wrongSequence.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(wrongSequence.getStatus().getDescription()).contains("wrong last sequence");
    assertThat(rightSequence.getSequence()).isEqualTo(2);
  }

  @Test
  void fullStreamThatDiscardsNewIsResourceExhausted() {
    String name = uniqueName("FULL");
    broker.blocking()
        .createStream(
            CreateStreamRequest.newBuilder()
                .setConfig(
                    streamConfig(name, name.toLowerCase()).toBuilder()
                        .setMaxMsgs(1)
                        .setDiscard(DiscardPolicy.DISCARD_POLICY_NEW))
                .build());
    PublishRequest request = PublishRequest.newBuilder().setSubject(name.toLowerCase() + ".x").build();
    broker.blocking().publish(request);

    StatusRuntimeException e =
        catchThrowableOfType(() -> broker.blocking().publish(request), StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }
}
