package io.marketprism.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ConfigClient against a real config center on a real nats-server. */
@WithNats
class ConfigClientTest {

  static NatsServer nats;

  private static final AtomicInteger ENVIRONMENTS = new AtomicInteger();

  private static ConfigCenterFixture configCenter(int port) {
    return ConfigCenterFixture.start(nats, null, Map.of("MARKETPRISM_GRPC_PORT", Integer.toString(port)));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String environment() {
    return "client" + ENVIRONMENTS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  private static void put(ManagedChannel channel, String env, String key, String value) {
    // wait-for-ready: right after a restart the channel may still be waiting to reconnect
    ConfigServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).withWaitForReady()
        .put(PutRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey(key).setValue(value).build());
  }

  @Test
  void typedGettersDefaultsBatchGetAndListenersFollowTheConfigCenter() throws Exception {
    int port = freePort();
    ConfigCenterFixture center = configCenter(port);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    String env = environment();
    put(channel, env, "batch-size", "5000");
    put(channel, env, "flush", "250ms");
    put(channel, env, "enabled", "TRUE");
    try (ConfigClient client = ConfigClient.builder(channel, env, "data-storage").start()) {
      assertThat(client.awaitReady(Duration.ofSeconds(30))).isTrue();
      assertThat(client.getInt("batch-size", 1)).isEqualTo(5000);
      assertThat(client.getDuration("flush", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
      assertThat(client.getBoolean("enabled", false)).isTrue();
      assertThat(client.getInt("missing", 7)).isEqualTo(7);
      assertThat(client.getInt("flush", 9)).as("unparsable as int").isEqualTo(9);
      assertThat(client.getAll(List.of("flush", "missing", "batch-size")))
          .containsExactly(Map.entry("flush", "250ms"), Map.entry("batch-size", "5000"));

      List<ConfigChange> changes = new CopyOnWriteArrayList<>();
      client.addListener(changes::add);
      put(channel, env, "batch-size", "8000");
      ConfigServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("enabled").build());
      await().atMost(Duration.ofSeconds(30)).until(() -> changes.size() == 2);
      assertThat(changes.get(0).key()).isEqualTo("batch-size");
      assertThat(changes.get(0).oldValue()).contains("5000");
      assertThat(changes.get(0).newValue()).contains("8000");
      assertThat(changes.get(1).newValue()).isEmpty();
      assertThat(client.getInt("batch-size", 1)).isEqualTo(8000);
      assertThat(client.getBoolean("enabled", false)).isFalse();
    } finally {
      channel.shutdownNow();
      center.close();
    }
  }

  @Test
  void anUnreachableConfigCenterAtStartUpMeansTheSnapshotFileThenCatchingUpWhenItReturns(@TempDir Path dir)
      throws Exception {
    int port = freePort();
    Path snapshot = dir.resolve("config.snapshot");
    String env = environment();
    ConfigCenterFixture center = configCenter(port);
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      put(channel, env, "batch-size", "5000");
      try (ConfigClient first = ConfigClient.builder(channel, env, "data-storage").snapshotFile(snapshot).start()) {
        assertThat(first.awaitReady(Duration.ofSeconds(30))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> first.isLive());
      }
      center.close();

      try (ConfigClient offline =
          ConfigClient.builder(channel, env, "data-storage")
              .snapshotFile(snapshot)
              .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
              .start()) {
        assertThat(offline.awaitReady(Duration.ofSeconds(30))).isTrue();
        assertThat(offline.isLive()).isFalse();
        assertThat(offline.getInt("batch-size", 1)).isEqualTo(5000);

        List<ConfigChange> changes = new CopyOnWriteArrayList<>();
        offline.addListener(changes::add);
        center = configCenter(port);
        put(channel, env, "batch-size", "9000");
        await().atMost(Duration.ofSeconds(30)).until(() -> offline.getInt("batch-size", 1) == 9000);
        assertThat(changes).extracting(ConfigChange::newValue).containsExactly(java.util.Optional.of("9000"));
        assertThat(offline.isLive()).isTrue();
      }
    } finally {
      channel.shutdownNow();
      center.close();
    }
  }
}
