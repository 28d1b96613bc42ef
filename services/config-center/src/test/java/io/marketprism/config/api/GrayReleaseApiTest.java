package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.AbandonGrayReleaseRequest;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.GrayRule;
import io.marketprism.config.v1.InstanceLabels;
import io.marketprism.config.v1.ListRequest;
import io.marketprism.config.v1.PromoteGrayReleaseRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.StartGrayReleaseRequest;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class GrayReleaseApiTest {

  static NatsServer nats;
  static ConfigCenterFixture center;

  private static final InstanceLabels CANARY =
      InstanceLabels.newBuilder().setService("market-data-collector").setZone("eu-1").setInstanceId("c-1").build();
  private static final InstanceLabels OTHER =
      InstanceLabels.newBuilder().setService("market-data-collector").setZone("us-1").setInstanceId("c-2").build();
  private static final GrayRule EU_ONLY = GrayRule.newBuilder().addZones("eu-1").build();

  @BeforeAll
  static void start() {
    center = ConfigCenterFixture.start(nats);
  }

  @AfterAll
  static void stop() throws Exception {
    center.close();
  }

  private static long put(String env, String value) {
    return center.blocking()
        .put(PutRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").setValue(value).build())
        .getVersion();
  }

  private static long startGray(String env, String value, GrayRule rule) {
    return center.blocking()
        .startGrayRelease(
            StartGrayReleaseRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols")
                .setValue(value).setRule(rule).build())
        .getRelease().getEntry().getVersion();
  }

  private static Entry get(String env, InstanceLabels instance) {
    GetRequest.Builder request = GetRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols");
    if (instance != null) {
      request.setInstance(instance);
    }
    return center.blocking().get(request.build()).getEntry();
  }

  private static WatchRecorder watch(String env, InstanceLabels instance, long startVersion) {
    return WatchRecorder.start(
        center.async(),
        WatchRequest.newBuilder().setEnvironment(env).setNamespace("collector").setInstance(instance)
            .setStartVersion(startVersion).build());
  }

  private static WatchEvent next(WatchRecorder watch) throws InterruptedException {
    return watch.events(1).get(0);
  }

  @Test
  void aGrayValueIsSeenOnlyByMatchingInstancesUntilItIsPromotedToAll() throws Exception {
    String env = uniqueEnvironment();
    long v1 = put(env, "BTC-USDT");
    try (WatchRecorder canary = watch(env, CANARY, 0);
        WatchRecorder other = watch(env, OTHER, 0)) {
      assertThat(canary.untilSnapshotComplete()).extracting(e -> e.getEntry().getVersion()).containsExactly(v1);
      assertThat(other.untilSnapshotComplete()).extracting(e -> e.getEntry().getVersion()).containsExactly(v1);

      long gray = startGray(env, "BTC-USDT,ETH-USDT", EU_ONLY);
      assertThat(get(env, CANARY)).satisfies(e -> {
        assertThat(e.getValue()).isEqualTo("BTC-USDT,ETH-USDT");
        assertThat(e.getGray()).isTrue();
      });
      assertThat(get(env, OTHER).getValue()).isEqualTo("BTC-USDT");
      assertThat(get(env, null).getValue()).isEqualTo("BTC-USDT");
      assertThat(center.blocking().list(ListRequest.newBuilder().setEnvironment(env).setNamespace("collector").build())
              .getEntriesList()).extracting(Entry::getValue).containsExactly("BTC-USDT");
      WatchEvent grayEvent = next(canary);
      assertThat(grayEvent.getEntry().getVersion()).isEqualTo(gray);
      assertThat(grayEvent.getEntry().getGray()).isTrue();

      long promoted =
          center.blocking().promoteGrayRelease(
                  PromoteGrayReleaseRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build())
              .getVersion();
      // the other instance's next event is the promotion: it never saw the gray value
      for (WatchRecorder watcher : new WatchRecorder[] {canary, other}) {
        WatchEvent event = next(watcher);
        assertThat(event.getEntry().getVersion()).isEqualTo(promoted);
        assertThat(event.getEntry().getValue()).isEqualTo("BTC-USDT,ETH-USDT");
        assertThat(event.getEntry().getGray()).isFalse();
      }
    }
    assertThat(get(env, OTHER).getValue()).isEqualTo("BTC-USDT,ETH-USDT");
    assertThat(get(env, CANARY).getGray()).isFalse();
  }

  @Test
  void anAbandonedGrayReleaseSendsMatchingInstancesBackToTheEntrysValue() throws Exception {
    String env = uniqueEnvironment();
    long v1 = put(env, "BTC-USDT");
    try (WatchRecorder canary = watch(env, CANARY, 0);
        WatchRecorder other = watch(env, OTHER, 0)) {
      canary.untilSnapshotComplete();
      other.untilSnapshotComplete();
      startGray(env, "ETH-USDT", EU_ONLY);
      assertThat(next(canary).getEntry().getValue()).isEqualTo("ETH-USDT");

      center.blocking().abandonGrayRelease(
          AbandonGrayReleaseRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build());
      WatchEvent back = next(canary);
      assertThat(back.getEntry().getVersion()).isEqualTo(v1);
      assertThat(back.getEntry().getValue()).isEqualTo("BTC-USDT");
      assertThat(get(env, CANARY).getValue()).isEqualTo("BTC-USDT");

      long v2 = put(env, "SOL-USDT");
      assertThat(next(canary).getEntry().getVersion()).isEqualTo(v2);
      assertThat(next(other).getEntry().getVersion()).isEqualTo(v2);
    }
  }

  @Test
  void aResumedWatchKeepsTheGrayValueItHadAndHoldsBackTheEntrysChanges() throws Exception {
    String env = uniqueEnvironment();
    put(env, "BTC-USDT");
    startGray(env, "ETH-USDT", GrayRule.newBuilder().addInstanceIds("c-1").build());
    long v3 = put(env, "XRP-USDT");
    try (WatchRecorder canary = watch(env, CANARY, v3)) {
      assertThat(canary.untilSnapshotComplete()).isEmpty();
      long v4 = put(env, "SOL-USDT");
      center.blocking().abandonGrayRelease(
          AbandonGrayReleaseRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build());
      WatchEvent back = next(canary);
      assertThat(back.getEntry().getVersion()).isEqualTo(v4);
      assertThat(back.getEntry().getValue()).isEqualTo("SOL-USDT");
    }
  }

  @Test
  void aGrayReleaseNeedsAnExistingKeyAndARuleThatNamesSomeone() {
    String env = uniqueEnvironment();
    StatusRuntimeException missing =
        catchThrowableOfType(StatusRuntimeException.class, () -> startGray(env, "x", EU_ONLY));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    put(env, "BTC-USDT");
    StatusRuntimeException empty =
        catchThrowableOfType(StatusRuntimeException.class, () -> startGray(env, "x", GrayRule.getDefaultInstance()));
    assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    StatusRuntimeException nothingToEnd =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> center.blocking().abandonGrayRelease(
                AbandonGrayReleaseRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build()));
    assertThat(nothingToEnd.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
