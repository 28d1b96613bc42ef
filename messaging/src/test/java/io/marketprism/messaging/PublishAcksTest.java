package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What JetStream answers a publish, as the publisher's own ack inbox reads it, against a real server. */
@WithNats
class PublishAcksTest {

  static NatsServer nats;
  static Connection connection;

  /** "acked 3", "duplicate 4", "failed 5: …": what the listener heard, in order. */
  final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

  final PublishAcks.Listener listener = new PublishAcks.Listener() {
    @Override
    public void acked(long token, boolean duplicate) {
      heard.add((duplicate ? "duplicate " : "acked ") + token);
    }

    @Override
    public void failed(long token, Exception error) {
      heard.add("failed " + token + ": " + error.getMessage());
    }
  };

  @BeforeAll
  static void connect() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    connection = NatsConnections.connect(config, "publish-acks-test", new PrometheusRegistry());
    DefaultStreams.ensure(connection, config.streams());
  }

  @AfterAll
  static void close() throws Exception {
    connection.close();
  }

  @Test
  void storedThenStoredBeforeAreToldApartByToken() throws Exception {
    try (PublishAcks acks = new PublishAcks(connection, listener)) {
      Headers headers = new Headers().put("Nats-Msg-Id", "publish-acks-test-1");
      byte[] body = "x".getBytes(StandardCharsets.UTF_8);
      connection.publish("md.trade.binance.ACKS-USDT", acks.replyTo(41), headers, body);
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("acked 41");
      connection.publish("md.trade.binance.ACKS-USDT", acks.replyTo(42), headers, body);
      assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("duplicate 42");
    }
  }

  @Test
  void aSubjectNoStreamTakesFailsWithTheReason() throws Exception {
    try (PublishAcks acks = new PublishAcks(connection, listener)) {
      connection.publish("nostream.anywhere", acks.replyTo(7), new Headers().put("Nats-Msg-Id", "x"),
          new byte[] {1});
      assertThat(heard.poll(10, TimeUnit.SECONDS)).startsWith("failed 7: ").contains("no responders");
    }
  }

  @Test
  void aRefusalFailsWithTheServersWords() throws Exception {
    try (PublishAcks acks = new PublishAcks(connection, listener)) {
      // JetStream refuses a publish whose expected stream is another one
      Headers headers = new Headers().put("Nats-Msg-Id", "publish-acks-test-2")
          .put("Nats-Expected-Stream", "NOT_THIS_ONE");
      connection.publish("md.trade.binance.ACKS-USDT", acks.replyTo(9), headers, new byte[] {1});
      assertThat(heard.poll(10, TimeUnit.SECONDS)).startsWith("failed 9: JetStream refused the publish: {\"error\"");
    }
  }
}
