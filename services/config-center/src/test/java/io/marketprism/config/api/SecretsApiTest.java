package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.TEST_KEY;
import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.BatchGetRequest;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.HistoryRequest;
import io.marketprism.config.v1.ListRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@WithNats
class SecretsApiTest {

  static NatsServer nats;

  private static final String GATEWAY = "spiffe://marketprism/service/api-gateway";
  private static final String PASSWORD = "correct-horse-battery-staple";
  private static final String SECOND_KEY = "k2=" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

  private static PutRequest secret(String env, String key, String value) {
    return PutRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey(key).setValue(value)
        .setSecret(true).build();
  }

  private static GetRequest get(String env, String key) {
    return GetRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey(key).build();
  }

  /** Every message ever stored in the environment's bucket, as bytes: subjects, headers and payloads. */
  private static List<byte[]> rawBucket(String env) throws Exception {
    List<byte[]> raw = new ArrayList<>();
    try (Connection connection = Nats.connect(nats.url())) {
      JetStreamManagement management = connection.jetStreamManagement();
      String stream = "KV_config-" + env;
      long last = management.getStreamInfo(stream).getStreamState().getLastSequence();
      for (long seq = 1; seq <= last; seq++) {
        try {
          MessageInfo message = management.getMessage(stream, seq);
          raw.add(message.getSubject().getBytes(StandardCharsets.UTF_8));
          raw.add(message.getData());
          if (message.getHeaders() != null) {
            raw.add(message.getHeaders().toString().getBytes(StandardCharsets.UTF_8));
          }
        } catch (JetStreamApiException deleted) {
          // a version the history limit removed: nothing stored
        }
      }
    }
    return raw;
  }

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }

  @Test
  void theRawBytesInTheBucketNeverContainASecretsPlaintext() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      String env = uniqueEnvironment();
      center.blocking().put(secret(env, "clickhouse.password", PASSWORD));
      center.blocking().put(secret(env, "clickhouse.password", PASSWORD + "-2"));

      assertThat(center.blocking().get(get(env, "clickhouse.password")).getEntry().getValue()).isEqualTo(PASSWORD + "-2");
      List<byte[]> raw = rawBucket(env);
      assertThat(raw).isNotEmpty();
      assertThat(raw).noneMatch(bytes -> contains(bytes, PASSWORD));
      assertThat(raw).noneMatch(bytes -> contains(bytes, Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8))));
      assertThat(raw).anyMatch(bytes -> contains(bytes, "\"keyId\":\"k1\""));
    }
  }

  @Test
  void secretsAreMaskedInListHistoryAndWatch() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats)) {
      String env = uniqueEnvironment();
      center.blocking().put(secret(env, "token", PASSWORD));

      Entry listed =
          center.blocking().list(ListRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").build()).getEntries(0);
      Entry history =
          center.blocking().history(HistoryRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("token").build())
              .getEntries(0);
      Entry watched;
      try (WatchRecorder watch =
          WatchRecorder.start(center.async(), WatchRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").build())) {
        watched = watch.untilSnapshotComplete().get(0).getEntry();
      }
      for (Entry entry : List.of(listed, history, watched)) {
        assertThat(entry.getSecret()).isTrue();
        assertThat(entry.getValueMasked()).isTrue();
        assertThat(entry.getValue()).isEmpty();
      }
    }
  }

  @Test
  void onlyCallersAllowedToReadSecretsGetTheValueInClear() throws Exception {
    try (ConfigCenterFixture center =
        ConfigCenterFixture.start(nats, null, Map.of("MARKETPRISM_ACCESS_PLAINTEXT_IDENTITY", GATEWAY))) {
      String env = uniqueEnvironment();
      center.asUser("root", "admin").put(secret(env, "api-key", PASSWORD));

      Entry forAdmin = center.asUser("root", "admin").get(get(env, "api-key")).getEntry();
      assertThat(forAdmin.getValue()).isEqualTo(PASSWORD);
      assertThat(forAdmin.getValueMasked()).isFalse();

      Entry forReader = center.asUser("bob", "reader").get(get(env, "api-key")).getEntry();
      assertThat(forReader.getValue()).isEmpty();
      assertThat(forReader.getValueMasked()).isTrue();
      BatchGetRequest batch =
          BatchGetRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").addKeys("api-key").build();
      assertThat(center.asUser("bob", "reader").batchGet(batch).getEntries(0).getValueMasked()).isTrue();
      assertThat(center.asUser("root", "admin").batchGet(batch).getEntries(0).getValue()).isEqualTo(PASSWORD);

      StatusRuntimeException operatorWritingSecret =
          catchThrowableOfType(StatusRuntimeException.class, () -> center.asUser("olga", "operator").put(secret(env, "other", "x")));
      assertThat(operatorWritingSecret.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(operatorWritingSecret.getStatus().getDescription()).contains("olga;role=operator", "data-storage", "read secrets");
    }
  }

  @Test
  void secretsSealedWithARotatedOutKeyStayReadableWhileTheKeyIsListed() throws Exception {
    String env = uniqueEnvironment();
    try (ConfigCenterFixture before = ConfigCenterFixture.start(nats)) {
      before.blocking().put(secret(env, "old", "sealed-with-k1"));
    }
    try (ConfigCenterFixture rotated =
        ConfigCenterFixture.start(nats, null, Map.of("MARKETPRISM_SECRETS_KEYS", TEST_KEY + "," + SECOND_KEY))) {
      rotated.blocking().put(secret(env, "new", "sealed-with-k2"));
      assertThat(rotated.blocking().get(get(env, "old")).getEntry().getValue()).isEqualTo("sealed-with-k1");
      assertThat(rotated.blocking().get(get(env, "new")).getEntry().getValue()).isEqualTo("sealed-with-k2");
    }
    assertThat(rawBucket(env)).anyMatch(bytes -> contains(bytes, "\"keyId\":\"k2\""));
    try (ConfigCenterFixture withoutK1 =
        ConfigCenterFixture.start(nats, null, Map.of("MARKETPRISM_SECRETS_KEYS", SECOND_KEY))) {
      assertThat(withoutK1.blocking().get(get(env, "new")).getEntry().getValue()).isEqualTo("sealed-with-k2");
      StatusRuntimeException gone =
          catchThrowableOfType(StatusRuntimeException.class, () -> withoutK1.blocking().get(get(env, "old")));
      assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(gone.getStatus().getDescription()).contains("k1").doesNotContain("sealed-with-k1");
    }
  }

  @Test
  void aConfigCenterWithoutKeysRefusesSecrets() throws Exception {
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats, null, Map.of("MARKETPRISM_SECRETS_KEYS", ""))) {
      StatusRuntimeException refused =
          catchThrowableOfType(StatusRuntimeException.class, () -> center.blocking().put(secret(uniqueEnvironment(), "a", "b")));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }
  }
}
