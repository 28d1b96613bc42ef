package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Watches and reads served from the environment's view in memory: one store consumer however many watch, resumes
 * from memory with nothing missed or repeated, reads that see this config center's own writes at once and another
 * config center's (and an operator's purge) soon after.
 */
@WithNats
class SharedWatchApiTest {

  static NatsServer nats;

  private static final String NAMESPACE = "collector";

  private static long put(ConfigCenterFixture center, String env, String namespace, String key, String value) {
    return center.blocking()
        .put(PutRequest.newBuilder().setEnvironment(env).setNamespace(namespace).setKey(key).setValue(value).build())
        .getVersion();
  }

  private static long put(ConfigCenterFixture center, String env, String key, String value) {
    return put(center, env, NAMESPACE, key, value);
  }

  private static long getVersion(ConfigCenterFixture center, String env, String key) {
    return center.blocking()
        .get(GetRequest.newBuilder().setEnvironment(env).setNamespace(NAMESPACE).setKey(key).build())
        .getEntry()
        .getVersion();
  }

  private static WatchRequest watch(String env, long startVersion) {
    return WatchRequest.newBuilder().setEnvironment(env).setNamespace(NAMESPACE).setStartVersion(startVersion).build();
  }

  private static List<Long> versions(List<WatchEvent> events) {
    return events.stream().map(e -> e.getEntry().getVersion()).toList();
  }

  /** The JetStream consumers reading the environment's bucket. */
  private static int storeConsumers(Connection connection, String env) throws Exception {
    return connection.jetStreamManagement().getConsumerNames("KV_config-" + env).size();
  }

  @Test
  void fiftyWatchersShareOneStoreConsumerAndAllGetEachChange() throws Exception {
    String env = uniqueEnvironment();
    List<WatchRecorder> watchers = new ArrayList<>();
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats);
        Connection connection = Nats.connect(nats.url())) {
      long first = put(center, env, "depth", "20");
      try {
        for (int i = 0; i < 50; i++) {
          WatchRecorder watcher = WatchRecorder.start(center.async(), watch(env, i % 2 == 0 ? 0 : first));
          watchers.add(watcher);
          List<WatchEvent> start = watcher.untilSnapshotComplete();
          // from 0: the snapshot holds the entry; resumed at `first`: nothing after it yet
          assertThat(versions(start)).containsExactly(i % 2 == 0 ? new Long[] {first} : new Long[0]);
        }
        assertThat(storeConsumers(connection, env)).as("consumers on the bucket's stream").isEqualTo(1);

        long change = put(center, env, "depth", "50");

        for (WatchRecorder watcher : watchers) {
          List<WatchEvent> events = watcher.events(1);
          assertThat(versions(events)).containsExactly(change);
          assertThat(events.get(0).getEntry().getValue()).isEqualTo("50");
        }
      } finally {
        watchers.forEach(WatchRecorder::close);
      }
    }
  }

  @Test
  void aWatcherResumingFromMemoryGetsExactlyWhatItMissedThenLiveChanges() throws Exception {
    String env = uniqueEnvironment();
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats);
        Connection connection = Nats.connect(nats.url())) {
      long seen;
      try (WatchRecorder watcher = WatchRecorder.start(center.async(), watch(env, 0))) {
        watcher.untilSnapshotComplete();
        seen = put(center, env, "symbols", "BTC-USDT");
        assertThat(versions(watcher.events(1))).containsExactly(seen);
      }
      long missedOne = put(center, env, "symbols", "BTC-USDT,ETH-USDT");
      put(center, env, "storage", "batch-size", "500");
      long missedTwo = put(center, env, "depth", "10");

      try (WatchRecorder resumed = WatchRecorder.start(center.async(), watch(env, seen))) {
        assertThat(versions(resumed.untilSnapshotComplete())).containsExactly(missedOne, missedTwo);
        assertThat(storeConsumers(connection, env)).as("the resume read no store consumer of its own").isEqualTo(1);
        long live = put(center, env, "depth", "5");
        assertThat(versions(resumed.events(1))).containsExactly(live);
      }
    }
  }

  @Test
  void aReadAfterAWriteSeesItAndAnotherConfigCenterSeesItSoonAfter() throws Exception {
    String env = uniqueEnvironment();
    try (ConfigCenterFixture first = ConfigCenterFixture.start(nats);
        ConfigCenterFixture second = ConfigCenterFixture.start(nats)) {
      long written = put(first, env, "depth", "1");
      // the second's view of the environment starts with this read
      await().atMost(Duration.ofSeconds(10)).until(() -> getVersion(second, env, "depth") == written);

      for (int i = 2; i <= 40; i++) {
        long version = put(first, env, "depth", Integer.toString(i));
        assertThat(getVersion(first, env, "depth")).as("a Get right after put #%d", i).isEqualTo(version);
        long onFirst = version;
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(2))
            .atMost(Duration.ofSeconds(10))
            .until(() -> getVersion(second, env, "depth") >= onFirst);
      }
    }
  }

  @Test
  void anEntryPurgedByHandInTheBrokerIsGoneFromReads() throws Exception {
    String env = uniqueEnvironment();
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats);
        Connection connection = Nats.connect(nats.url())) {
      put(center, env, "depth", "20");
      assertThat(getVersion(center, env, "depth")).isPositive();

      connection.keyValue("config-" + env).purge(NAMESPACE + ".depth");

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try {
                  getVersion(center, env, "depth");
                  return false;
                } catch (StatusRuntimeException e) {
                  return e.getStatus().getCode() == Status.Code.NOT_FOUND;
                }
              });
    }
  }
}
