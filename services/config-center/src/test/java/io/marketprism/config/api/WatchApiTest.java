package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.EventType;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithNats
class WatchApiTest {

  static NatsServer nats;

  private static long put(ConfigCenterFixture center, String env, String key, String value) {
    return center.blocking()
        .put(PutRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey(key).setValue(value).build())
        .getVersion();
  }

  private static WatchRequest watch(String env, long startVersion) {
    return WatchRequest.newBuilder().setEnvironment(env).setNamespace("collector").setStartVersion(startVersion).build();
  }

  private static List<Long> versions(List<WatchEvent> events) {
    return events.stream().map(e -> e.getEntry().getVersion()).toList();
  }

  @Test
  void aWatchBeginsWithTheCurrentEntriesThenStreamsChangesLive() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      String env = uniqueEnvironment();
      put(center, env, "symbols", "BTC-USDT");
      long kept = put(center, env, "symbols", "BTC-USDT,ETH-USDT");
      long other = put(center, env, "depth", "20");
      put(center, env, "gone", "x");
      center.blocking().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("gone").build());

      try (WatchRecorder watch = WatchRecorder.start(center.async(), watch(env, 0))) {
        List<WatchEvent> snapshot = watch.untilSnapshotComplete();
        assertThat(versions(snapshot)).containsExactly(kept, other);
        assertThat(snapshot).allMatch(e -> e.getType() == EventType.EVENT_TYPE_PUT);

        long live = put(center, env, "depth", "50");
        long deleted =
            center.blocking()
                .delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build())
                .getVersion();
        List<WatchEvent> changes = watch.events(2);
        assertThat(versions(changes)).containsExactly(live, deleted);
        assertThat(changes.get(0).getEntry().getValue()).isEqualTo("50");
        assertThat(changes.get(1).getType()).isEqualTo(EventType.EVENT_TYPE_DELETE);
      }
    }
  }

  @Test
  void aKeyPrefixWatchSeesOnlyKeysEqualToOrUnderThePrefix() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      String env = uniqueEnvironment();
      long exact = put(center, env, "feeds", "all");
      put(center, env, "feeds2", "other");
      long under = put(center, env, "feeds.binance", "BTC-USDT");
      WatchRequest request = watch(env, 0).toBuilder().setKeyPrefix("feeds").build();
      try (WatchRecorder watch = WatchRecorder.start(center.async(), request)) {
        assertThat(versions(watch.untilSnapshotComplete())).containsExactly(exact, under);
        put(center, env, "feeds2", "skipped");
        long live = put(center, env, "feeds.okx", "ETH-USDT");
        assertThat(versions(watch.events(1))).containsExactly(live);
      }
    }
  }

  @Test
  void aWatchResumedAfterAConfigCenterRestartMissesNothingAndRepeatsNothing() throws Exception {
    String env = uniqueEnvironment();
    List<Long> seen = new ArrayList<>();
    List<Long> written = new ArrayList<>();
    long lastSeen;
    try (ConfigCenterFixture first = ConfigCenterFixture.start(nats)) {
      written.add(put(first, env, "a", "1"));
      try (WatchRecorder watch = WatchRecorder.start(first.async(), watch(env, 0))) {
        seen.addAll(versions(watch.untilSnapshotComplete()));
        written.add(put(first, env, "b", "2"));
        seen.addAll(versions(watch.events(1)));
        lastSeen = seen.get(seen.size() - 1);
        // a change the watcher never receives: it is written as the old instance goes away
        written.add(put(first, env, "a", "3"));
      }
    }
    try (ConfigCenterFixture second = ConfigCenterFixture.start(nats)) {
      written.add(put(second, env, "c", "4"));
      try (WatchRecorder resumed = WatchRecorder.start(second.async(), watch(env, lastSeen))) {
        List<WatchEvent> catchUp = resumed.untilSnapshotComplete();
        seen.addAll(versions(catchUp));
        written.add(put(second, env, "b", "5"));
        seen.addAll(versions(resumed.events(1)));
      }
    }
    assertThat(seen).containsExactlyElementsOf(written);
  }

  @Test
  void resumingFromAVersionTheEnvironmentNeverReachedIsOutOfRange() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      String env = uniqueEnvironment();
      long version = put(center, env, "a", "1");
      try (WatchRecorder watch = WatchRecorder.start(center.async(), watch(env, version + 10))) {
        Status status = watch.end();
        assertThat(status.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        ErrorInfo info =
            StatusProto.fromStatusAndTrailers(status, null).getDetailsCount() == 0
                ? null
                : StatusProto.fromStatusAndTrailers(status, null).getDetails(0).unpack(ErrorInfo.class);
        assertThat(status.getDescription()).contains("watch again from 0");
        assertThat(info == null || info.getReason().equals("VERSION_COMPACTED")).isTrue();
      }
    }
  }

  @Test
  void resumingBeforeVersionsTheHistoryLimitDiscardedIsOutOfRange() throws Exception {
    try (ConfigCenterFixture center =
        ConfigCenterFixture.start(nats, null, java.util.Map.of("MARKETPRISM_STORE_HISTORY_PER_KEY", "2"))) {
      String env = uniqueEnvironment();
      long first = put(center, env, "a", "1");
      put(center, env, "a", "2");
      put(center, env, "a", "3");
      // keeps the newest two versions of a: version 2, a change after `first`, is gone
      put(center, env, "a", "4");
      try (WatchRecorder watch = WatchRecorder.start(center.async(), watch(env, first))) {
        assertThat(watch.end().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
      }
    }
  }

  @Test
  void openWatchesEndWithUnavailableWhenTheConfigCenterDrains() throws Exception {
    ConfigCenterFixture center = ConfigCenterFixture.start(nats);
    String env = uniqueEnvironment();
    put(center, env, "a", "1");
    try (WatchRecorder watch = WatchRecorder.start(center.async(), watch(env, 0))) {
      watch.untilSnapshotComplete();
      Thread stopper = new Thread(() -> center.service().stop());
      stopper.start();
      assertThat(watch.end().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      stopper.join();
    } finally {
      center.close();
    }
  }
}
