package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access per namespace. The callers here are plaintext, so the config center is told to take plaintext callers for
 * the api-gateway (as if its TLS peer were the gateway's SPIFFE id); the users it forwards are then the callers.
 */
@WithNats
class AccessApiTest {

  static NatsServer nats;

  private static final String GATEWAY = "spiffe://marketprism/service/api-gateway";

  private static final String RULES =
      """
      access:
        rules:
          - namespaces: payments
            read: ["role:admin"]
            write: ["role:admin"]
            read-secrets: ["role:admin"]
          - namespaces: "*"
            read: ["role:*", "spiffe://marketprism/service/*"]
            write: ["role:operator", "role:admin"]
            read-secrets: ["role:admin", "self"]
      """;

  private static PutRequest put(String env, String namespace, String key) {
    return PutRequest.newBuilder().setEnvironment(env).setNamespace(namespace).setKey(key).setValue("v").build();
  }

  private static GetRequest get(String env, String namespace, String key) {
    return GetRequest.newBuilder().setEnvironment(env).setNamespace(namespace).setKey(key).build();
  }

  private static StatusRuntimeException failure(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run);
  }

  @Test
  void aDeniedNamespaceIsPermissionDeniedNamingCallerNamespaceAndAction(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("config-center.yaml"), RULES);
    try (ConfigCenterFixture center =
        ConfigCenterFixture.start(nats, config, Map.of("MARKETPRISM_ACCESS_PLAINTEXT_IDENTITY", GATEWAY))) {
      String env = uniqueEnvironment();
      center.asUser("root", "admin").put(put(env, "payments", "limit"));

      StatusRuntimeException read = failure(() -> center.asUser("bob", "operator").get(get(env, "payments", "limit")));
      assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(read.getStatus().getDescription()).isEqualTo("bob;role=operator may not read namespace payments");

      StatusRuntimeException write = failure(() -> center.asUser("ann", "reader").put(put(env, "data-storage", "k")));
      assertThat(write.getStatus().getDescription()).isEqualTo("ann;role=reader may not write namespace data-storage");

      long version = center.asUser("olga", "operator").put(put(env, "data-storage", "k")).getVersion();
      assertThat(center.asUser("ann", "reader").get(get(env, "data-storage", "k")).getEntry())
          .satisfies(e -> assertThat(e.getVersion()).isEqualTo(version))
          .satisfies(e -> assertThat(e.getUpdatedBy()).isEqualTo("olga;role=operator"));

      // the gateway itself, forwarding no user, is a service no rule lets write
      StatusRuntimeException bare = failure(() -> center.blocking().put(put(env, "data-storage", "k")));
      assertThat(bare.getStatus().getDescription()).isEqualTo(GATEWAY + " may not write namespace data-storage");

      StatusRuntimeException malformed = failure(() -> center.asUser("eve", "superuser").get(get(env, "data-storage", "k")));
      assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
  }

  @Test
  void onlyTheGatewayMayNameAUser(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("config-center.yaml"), RULES);
    try (ConfigCenterFixture center =
        ConfigCenterFixture.start(
            nats, config, Map.of("MARKETPRISM_ACCESS_PLAINTEXT_IDENTITY", "spiffe://marketprism/service/scheduler"))) {
      String env = uniqueEnvironment();
      StatusRuntimeException posing = failure(() -> center.asUser("root", "admin").put(put(env, "data-storage", "k")));
      assertThat(posing.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(posing.getStatus().getDescription())
          .isEqualTo("spiffe://marketprism/service/scheduler may not write namespace data-storage");
    }
  }
}
