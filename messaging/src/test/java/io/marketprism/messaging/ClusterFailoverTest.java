package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketprism.testkit.NatsClusterForTest;
import io.nats.client.Connection;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher on a three-member JetStream cluster with R3 streams, one member SIGKILLed while it publishes at a
 * steady rate: publishing resumes within seconds, the stream holds every message exactly once (a publish whose ack
 * was lost is sent again under its {@code Nats-Msg-Id} and the stream drops the copy), and the killed member comes
 * back and catches up.
 */
class ClusterFailoverTest {

  /** Trades per run, at {@link #RATE_PER_SECOND}: about eight seconds of publishing. */
  static final int TRADES = 16_000;
  static final int RATE_PER_SECOND = 2_000;
  /** Publishing "resumed" once this many more trades are acked after the kill. */
  static final int RESUMED_AFTER = 1_000;

  NatsClusterForTest cluster;
  NatsConfig config;
  Connection connection;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = NatsClusterForTest.start(3);
    config = new NatsConfig().withUrl(cluster.urls()).withStreamReplicas(cluster.streamReplicas());
    connection = NatsConnections.connect(config, "cluster-failover-test", new PrometheusRegistry());
    DefaultStreams.ensure(connection, config.streams());
  }

  @AfterEach
  void stopCluster() throws Exception {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      cluster.close();
    }
  }

  @Test
  void defaultStreamsHaveAReplicaOnEveryMember() throws Exception {
    for (String stream : new String[] {DefaultStreams.MARKET_DATA, DefaultStreams.SYSTEM_EVENTS}) {
      StreamInfo info = connection.jetStreamManagement().getStreamInfo(stream);
      assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
      assertThat(info.getClusterInfo().getReplicas()).hasSize(2); // the followers; the leader is apart
    }
  }

  @Test
  void killingTheMemberThePublisherIsConnectedToLosesAndDuplicatesNothing() throws Exception {
    publishThroughKill(
        "CONN-USDT", info -> cluster.indexOf(serverNameOf(connection.getConnectedUrl())));
  }

  @Test
  void killingTheStreamLeadersMemberLosesAndDuplicatesNothing() throws Exception {
    publishThroughKill("LEAD-USDT", info -> cluster.indexOf(info.getClusterInfo().getLeader()));
  }

  /**
   * Publishes {@link #TRADES} trades at a steady rate, SIGKILLs the member {@code victim} picks a third of the way in,
   * restarts it after all were accepted, and checks the stream.
   */
  private void publishThroughKill(String symbol, ToIntFunction<StreamInfo> victim) throws Exception {
    NatsConfig.Publisher limits = config.withPublisher(1024, 100_000, Duration.ofSeconds(2)).publisher();
    long before = messages(symbol);
    try (BoundedPublisher publisher = BoundedPublisher.start(connection, limits, new PrometheusRegistry())) {
      AtomicInteger published = new AtomicInteger();
      Thread steady = new Thread(() -> publishSteadily(publisher, symbol, published), "steady-publisher");
      steady.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> published.get() >= TRADES / 3);

      int killed = victim.applyAsInt(connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA));
      long ackedAtKill = publisher.acked();
      long killedAt = System.nanoTime();
      cluster.member(killed).kill();

      await().atMost(Duration.ofSeconds(15)).until(() -> publisher.acked() >= ackedAtKill + RESUMED_AFTER);
      Duration resumedWithin = Duration.ofNanos(System.nanoTime() - killedAt);
      steady.join(Duration.ofSeconds(60).toMillis());
      assertThat(published.get()).isEqualTo(TRADES);
      assertThat(publisher.flush(Duration.ofSeconds(60))).isTrue();
      assertThat(publisher.shed()).isZero();
      System.out.printf("%s: member %d killed; %d more acked within %d ms; %d publishes retried, %d duplicate acks%n",
          symbol, killed + 1, RESUMED_AFTER, resumedWithin.toMillis(), publisher.retried(), publisher.duplicates());

      cluster.restart(killed);
      await().atMost(Duration.ofSeconds(60)).until(() -> everyReplicaCurrent(killed));
    }
    // every accepted trade is in the stream once: the duplicate window dropped every re-sent copy
    assertThat(messages(symbol) - before).isEqualTo(TRADES);
  }

  private static void publishSteadily(BoundedPublisher publisher, String symbol, AtomicInteger published) {
    long periodNanos = 1_000_000_000L / RATE_PER_SECOND;
    long start = System.nanoTime();
    try {
      for (int i = 0; i < TRADES; i++) {
        long due = start + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        if (!publisher.publish(MarketDataMessages.of(TestEvents.trade(symbol, i)), Duration.ofSeconds(30))) {
          throw new IllegalStateException("trade " + i + " shed");
        }
        published.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the restarted member is back among the stream's replicas, current and without lag. */
  private boolean everyReplicaCurrent(int restarted) throws Exception {
    StreamInfo info = connection.jetStreamManagement().getStreamInfo(DefaultStreams.MARKET_DATA);
    String name = cluster.member(restarted).serverName();
    boolean isLeader = name.equals(info.getClusterInfo().getLeader());
    return isLeader
        || info.getClusterInfo().getReplicas().stream()
            .anyMatch(replica -> replica.getName().equals(name) && isCaughtUp(replica));
  }

  private static boolean isCaughtUp(Replica replica) {
    return replica.isCurrent() && !replica.isOffline() && replica.getLag() == 0;
  }

  private long messages(String symbol) throws Exception {
    String subject = "md.trade.binance." + symbol;
    return connection.jetStreamManagement()
        .getStreamInfo(DefaultStreams.MARKET_DATA, StreamInfoOptions.filterSubjects(subject))
        .getStreamState().getSubjectMap().getOrDefault(subject, 0L);
  }

  /** The member name in a client URL's port: the test cluster's members differ only in ports. */
  private String serverNameOf(String connectedUrl) {
    for (int index = 0; index < cluster.size(); index++) {
      if (connectedUrl.endsWith(":" + cluster.member(index).port())) {
        return cluster.member(index).serverName();
      }
    }
    throw new IllegalStateException("not connected to a member: " + connectedUrl);
  }
}
