package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StreamInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class BoundedPublisherTest {

  static NatsServer nats;
  static Connection connection;

  @BeforeAll
  static void connect() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    connection = NatsConnections.connect(config, "publisher-test", new PrometheusRegistry());
    DefaultStreams.ensure(connection, config.streams());
  }

  @Test
  void publishedEventsRoundTripThroughJetStream() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    List<MarketEvent> sent = new ArrayList<>();
    try (BoundedPublisher publisher =
        BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry())) {
      for (int i = 0; i < 500; i++) {
        MarketEvent trade = TestEvents.trade("RT-USDT", i);
        sent.add(trade);
        assertThat(publisher.publish(trade)).isTrue();
      }
      assertThat(publisher.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(publisher.acked()).isEqualTo(500);
    }

    JetStreamSubscription subscription =
        connection.jetStream().subscribe("md.trade.binance.RT-USDT",
            PullSubscribeOptions.builder().stream(DefaultStreams.MARKET_DATA).build());
    List<MarketEvent> received = new ArrayList<>();
    while (received.size() < 500) {
      List<Message> batch = subscription.fetch(500, Duration.ofSeconds(5));
      assertThat(batch).isNotEmpty();
      for (Message message : batch) {
        var subject = MarketDataSubjects.parse(message.getSubject()).orElseThrow();
        assertThat(subject.type()).isEqualTo(DataType.DATA_TYPE_TRADE);
        received.add(MarketEventCodec.decode(subject.type(), message.getData()));
        message.ack();
      }
    }
    assertThat(received).containsExactlyElementsOf(sent);
  }

  @Test
  void sameMessageIdIsStoredOnce() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    MarketEvent trade = TestEvents.trade("DUP-USDT", 1);
    try (BoundedPublisher publisher =
        BoundedPublisher.start(connection, config.publisher(), new PrometheusRegistry())) {
      publisher.publish(trade);
      assertThat(publisher.flush(Duration.ofSeconds(10))).isTrue();
      publisher.publish(trade);
      assertThat(publisher.flush(Duration.ofSeconds(10))).isTrue();

      assertThat(publisher.acked()).isEqualTo(2);
      assertThat(publisher.duplicates()).isEqualTo(1);
    }
    StreamInfo info =
        connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA,
            io.nats.client.api.StreamInfoOptions.filterSubjects("md.trade.binance.DUP-USDT"));
    assertThat(info.getStreamState().getSubjects())
        .singleElement()
        .satisfies(subject -> assertThat(subject.getCount()).isEqualTo(1));
  }

  @Test
  void ensuringStreamsTwiceKeepsThemAndTheirMessages() throws Exception {
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    long before = connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA)
        .getStreamState().getMsgCount();

    DefaultStreams.ensure(connection, config.streams());

    assertThat(connection.jetStreamManagement().getStreamNames())
        .contains(DefaultStreams.MARKET_DATA, DefaultStreams.SYSTEM_EVENTS, DefaultStreams.SERVICE_LOGS);
    assertThat(connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA)
        .getStreamState().getMsgCount()).isEqualTo(before);
    assertThat(connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA)
        .getConfiguration().getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
  }
}
