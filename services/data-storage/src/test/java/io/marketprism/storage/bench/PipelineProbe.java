package io.marketprism.storage.bench;

import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.messaging.NatsConfig;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.storage.StorageFixture;
import io.marketprism.storage.schema.EventRows;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.schema.EventTables;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

/** Where the time goes: publish and consume rates of the pieces, printed. Not a test. */
@WithNats
class PipelineProbe {

  static final int N = Integer.getInteger("bench.trades", 300_000);

  @Test
  void run(NatsServer nats) throws Exception {
    List<OutgoingMessage> messages = new ArrayList<>(N);
    long t0 = System.nanoTime();
    for (int i = 0; i < N; i++) {
      messages.add(MarketDataMessages.of(StorageFixture.trade("PROBE-USDT", i, StorageFixture.DAY_20231114 + i)));
    }
    report("build messages", t0);
    NatsConfig config = new NatsConfig().withUrl(nats.url());
    try (Connection connection = NatsConnections.connect(config, "probe", new PrometheusRegistry())) {
      DefaultStreams.ensure(connection, config.streams());
      JetStream js = connection.jetStream();
      Semaphore window = new Semaphore(4096);
      CpuTimes cpu = CpuTimes.now();
      t0 = System.nanoTime();
      for (OutgoingMessage m : messages) {
        window.acquire();
        CompletableFuture<?> f = js.publishAsync("md.trade.binance.RAW-USDT", m.payload());
        f.whenComplete((a, e) -> window.release());
      }
      window.acquire(4096);
      window.release(4096);
      report("raw publishAsync, no headers", t0);
      System.out.println("PROBE   cpu: " + CpuTimes.now().since(cpu));
      cpu = CpuTimes.now();
      t0 = System.nanoTime();
      for (OutgoingMessage m : messages) {
        window.acquire();
        CompletableFuture<?> f = js.publishAsync("md.trade.binance.HDR-USDT", m.headers(), m.payload());
        f.whenComplete((a, e) -> window.release());
      }
      window.acquire(4096);
      window.release(4096);
      report("raw publishAsync, with msg-id headers", t0);
      System.out.println("PROBE   cpu: " + CpuTimes.now().since(cpu));
      try (BoundedPublisher publisher = BoundedPublisher.start(connection,
          config.withPublisher(4096, 200_000, Duration.ofSeconds(10)).publisher(), new PrometheusRegistry())) {
        t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
          MarketEvent trade = StorageFixture.trade("PUB-USDT", i, StorageFixture.DAY_20231114 + i);
          publisher.publish(MarketDataMessages.of(trade), Duration.ofSeconds(30));
        }
        publisher.flush(Duration.ofSeconds(60));
        report("BoundedPublisher incl. building", t0);
      }
      connection.jetStreamManagement().addOrUpdateConsumer(DefaultStreams.MARKET_DATA,
          ConsumerConfiguration.builder().durable("probe").filterSubject("md.trade.binance.HDR-USDT")
              .ackPolicy(AckPolicy.All).maxAckPending(1_000_000).build());
      JetStreamSubscription sub = js.subscribe(null, PullSubscribeOptions.bind(DefaultStreams.MARKET_DATA, "probe"));
      EventTable table = EventTables.of(DataType.DATA_TYPE_TRADE);
      t0 = System.nanoTime();
      int got = 0;
      long decodeNanos = 0;
      while (got < N) {
        List<Message> batch = sub.fetch(10_000, Duration.ofMillis(500));
        long d0 = System.nanoTime();
        for (Message m : batch) {
          var subject = MarketDataSubjects.parse(m.getSubject()).orElseThrow();
          EventRows.toRow(table, MarketEventCodec.decode(subject.type(), m.getData()));
        }
        decodeNanos += System.nanoTime() - d0;
        got += batch.size();
        batch.get(batch.size() - 1).ack();
      }
      report("fetch+decode+row", t0);
      System.out.printf("PROBE   of which decode+row: %,.0f msgs/s%n", N * 1e9 / decodeNanos);

      // the ceiling of one pull consumer here, by ack policy: what the ingest's fetch thread could get at best
      for (AckPolicy policy : List.of(AckPolicy.None, AckPolicy.All, AckPolicy.Explicit)) {
        consumeCeiling(connection, policy);
      }
    }
  }

  /** Background-pulls the N probe messages, decodes each and acks as {@code policy} allows (ack-all every 5,000). */
  private static void consumeCeiling(Connection connection, AckPolicy policy) throws Exception {
    String durable = "ceiling-" + policy;
    connection.jetStreamManagement().addOrUpdateConsumer(DefaultStreams.MARKET_DATA,
        ConsumerConfiguration.builder().durable(durable).filterSubject("md.trade.binance.HDR-USDT")
            .ackPolicy(policy).maxAckPending(policy == AckPolicy.None ? -1 : 100_000).build());
    CpuTimes cpu = CpuTimes.now();
    long t0 = System.nanoTime();
    try (IterableConsumer consumer = connection.getConsumerContext(DefaultStreams.MARKET_DATA, durable)
        .iterate(ConsumeOptions.builder().batchSize(10_000).build())) {
      for (int got = 0; got < N; ) {
        Message m = consumer.nextMessage(Duration.ofMillis(500));
        if (m == null) {
          continue;
        }
        Trade.parseFrom(m.getData());
        got++;
        if (policy == AckPolicy.Explicit || (policy == AckPolicy.All && got % 5_000 == 0)) {
          m.ack();
        }
      }
    }
    report("consume+decode, ack " + policy, t0);
    System.out.println("PROBE   cpu: " + CpuTimes.now().since(cpu));
  }

  private static void report(String what, long t0) {
    System.out.printf("PROBE %-40s %,.0f msgs/s%n", what, N * 1e9 / (System.nanoTime() - t0));
  }
}
