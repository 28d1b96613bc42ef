package io.marketprism.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithNats
class NatsServerExtensionTest {

  static NatsServer injectedStatic;
  NatsServer injected;

  @Test
  void jetStreamMessageRoundTripsThroughTheRealServer(NatsServer nats) throws Exception {
    try (Connection connection = Nats.connect(nats.url())) {
      JetStreamManagement management = connection.jetStreamManagement();
      management.addStream(
          StreamConfiguration.builder()
              .name("TESTKIT_ROUND_TRIP")
              .subjects("testkit.roundtrip.>")
              .storageType(StorageType.File)
              .build());
      JetStream jetStream = connection.jetStream();

      PublishAck ack =
          jetStream.publish("testkit.roundtrip.a", "hello".getBytes(StandardCharsets.UTF_8));
      JetStreamSubscription subscription =
          jetStream.subscribe(
              "testkit.roundtrip.>",
              PullSubscribeOptions.builder().durable("testkit-reader").build());
      List<Message> messages = subscription.fetch(1, Duration.ofSeconds(10));

      assertThat(ack.getStream()).isEqualTo("TESTKIT_ROUND_TRIP");
      assertThat(messages).hasSize(1);
      assertThat(new String(messages.get(0).getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(messages.get(0).metaData().streamSequence()).isEqualTo(ack.getSeqno());
    }
  }

  @Test
  void monitoringEndpointReportsHealthy(NatsServer nats) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(nats.monitorUrl() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("ok");
  }

  @Test
  void fieldsAndParametersReceiveTheSameServer(NatsServer nats) {
    assertThat(injected).isEqualTo(nats);
    assertThat(injectedStatic).isEqualTo(nats);
    assertThat(nats.url()).isEqualTo("nats://127.0.0.1:" + nats.port());
  }
}
