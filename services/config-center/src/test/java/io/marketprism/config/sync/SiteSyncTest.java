package io.marketprism.config.sync;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.GetSyncStatusRequest;
import io.marketprism.config.v1.HistoryRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.SyncStatus;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sites: each config center has its own buckets (a bucket prefix of its own, on the test's one nats-server), and
 * site B mirrors namespace {@code collector} of site A over A's gRPC API.
 */
@WithNats
class SiteSyncTest {

  static NatsServer nats;

  private static ConfigCenterFixture siteA(int port, String prefix) {
    return ConfigCenterFixture.start(
        nats, null, Map.of("MARKETPRISM_GRPC_PORT", Integer.toString(port), "MARKETPRISM_STORE_BUCKET_PREFIX", prefix));
  }

  private static long put(ConfigCenterFixture site, String env, String namespace, String key, String value, boolean secret) {
    return site.blocking()
        .put(PutRequest.newBuilder().setEnvironment(env).setNamespace(namespace).setKey(key).setValue(value)
            .setSecret(secret).build())
        .getVersion();
  }

  private static Optional<Entry> get(ConfigCenterFixture site, String env, String namespace, String key) {
    try {
      return Optional.of(
          site.blocking()
              .get(GetRequest.newBuilder().setEnvironment(env).setNamespace(namespace).setKey(key).build())
              .getEntry());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static SyncStatus status(ConfigCenterFixture site) {
    return site.blocking().getSyncStatus(GetSyncStatusRequest.getDefaultInstance()).getNamespaces(0);
  }

  private static void awaitValue(ConfigCenterFixture site, String env, String key, String value) {
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(get(site, env, "collector", key)).map(Entry::getValue).contains(value));
  }

  @Test
  void aSiteMirrorsChosenNamespacesAndCatchesUpAfterBeingCutOff(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String env = uniqueEnvironment();
    String prefixA = "a" + env.replace("-", "");
    String prefixB = "b" + env.replace("-", "");
    Path config =
        Files.writeString(
            dir.resolve("site-b.yaml"),
            """
            sync:
              reconnect-min: 50ms
              reconnect-max: 500ms
              sources:
                - name: site-a
                  address: 127.0.0.1:%d
                  environment: %s
                  namespaces: [collector]
            """.formatted(port, env));

    ConfigCenterFixture a = siteA(port, prefixA);
    put(a, env, "collector", "symbols", "BTC-USDT", false);
    put(a, env, "collector", "gone-before", "x", false);
    a.blocking().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("gone-before").build());
    put(a, env, "other", "not-mirrored", "x", false);

    try (ConfigCenterFixture b =
        ConfigCenterFixture.start(nats, config, Map.of("MARKETPRISM_STORE_BUCKET_PREFIX", prefixB))) {
      awaitValue(b, env, "symbols", "BTC-USDT");
      put(a, env, "collector", "symbols", "BTC-USDT,ETH-USDT", false);
      put(a, env, "collector", "api-secret", "hunter2-long", true);
      awaitValue(b, env, "symbols", "BTC-USDT,ETH-USDT");
      awaitValue(b, env, "api-secret", "hunter2-long");
      assertThat(get(b, env, "collector", "api-secret")).get().satisfies(e -> assertThat(e.getSecret()).isTrue());
      assertThat(get(b, env, "collector", "gone-before")).isEmpty();
      assertThat(get(b, env, "other", "not-mirrored")).isEmpty();

      // the cut: site A goes away, and comes back (same address, same store) with changes B has not seen
      a.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> !status(b).getLive());
      assertThat(status(b).getLastError()).isNotEmpty();
      a = siteA(port, prefixA);
      put(a, env, "collector", "depth", "20", false);
      a.blocking().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("collector").setKey("symbols").build());
      long last = put(a, env, "collector", "depth", "50", false);

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        SyncStatus status = status(b);
        assertThat(status.getLive()).isTrue();
        assertThat(status.getAppliedVersion()).isEqualTo(last);
        assertThat(status.getSourceVersion()).isEqualTo(last);
      });
      assertThat(get(b, env, "collector", "depth")).map(Entry::getValue).contains("50");
      assertThat(get(b, env, "collector", "symbols")).isEmpty();
      // every change of depth arrived, the one made while B was cut off included
      assertThat(b.blocking().history(HistoryRequest.newBuilder().setEnvironment(env).setNamespace("collector")
                  .setKey("depth").build()).getEntriesList())
          .extracting(Entry::getValue).containsExactly("50", "20");
      assertThat(get(b, env, "collector", "depth")).get().satisfies(e -> assertThat(e.getUpdatedBy()).isEqualTo("sync:site-a"));
    } finally {
      a.close();
    }
  }
}
