package io.marketprism.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.broker.v1.ListStreamsRequest;
import io.marketprism.kit.StartupException;
import io.marketprism.testkit.NatsServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageBrokerServiceTest {

  private static ServingStatus health(BrokerFixture broker, String service) {
    return HealthGrpc.newBlockingStub(broker.channel())
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void healthIsNotServingWhileNatsIsUnreachableAndServingOnceItIsBack() throws Exception {
    try (PrivateNatsServer nats = PrivateNatsServer.start();
        BrokerFixture broker =
            BrokerFixture.start(
                asTestServer(nats), Map.of("MARKETPRISM_NATS_RECONNECT_WAIT", "100ms"))) {
      assertThat(health(broker, "")).isEqualTo(ServingStatus.SERVING);

      nats.stop();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(health(broker, "")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(health(broker, BrokerServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
              });
      assertThatThrownBy(() -> broker.blocking().listStreams(ListStreamsRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

      nats.startAgain();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(health(broker, "")).isEqualTo(ServingStatus.SERVING));
      assertThat(broker.blocking().listStreams(ListStreamsRequest.getDefaultInstance()).getStreamsList())
          .extracting(s -> s.getConfig().getName())
          .contains("MARKET_DATA", "SYSTEM_EVENTS", "SERVICE_LOGS");
    }
  }

  @Test
  void startUpFailsWhenNatsCannotBeReached() throws Exception {
    PrivateNatsServer nats = PrivateNatsServer.start();
    NatsServer gone = asTestServer(nats);
    nats.close();

    assertThatThrownBy(
            () -> BrokerFixture.start(gone, Map.of("MARKETPRISM_NATS_CONNECTION_TIMEOUT", "500ms")))
        .isInstanceOf(StartupException.class);
  }

  private static NatsServer asTestServer(PrivateNatsServer nats) {
    return new NatsServer(Integer.parseInt(nats.url().substring(nats.url().lastIndexOf(':') + 1)), 0);
  }
}
