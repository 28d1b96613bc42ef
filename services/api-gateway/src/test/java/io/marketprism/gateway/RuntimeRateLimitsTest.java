package io.marketprism.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's rate limits follow the config center's key {@code traffic.rate-limits} while it runs; the calls go
 * through the gateway to the same real config center over REST.
 */
@WithNats
class RuntimeRateLimitsTest {

  static NatsServer nats;

  @Test
  void rateLimitsChangeWithoutARestart(@TempDir Path dir) throws Exception {
    String environment = ConfigCenterFixture.uniqueEnvironment();
    try (ConfigCenterFixture center = ConfigCenterFixture.start(nats);
        GatewayHarness gateway = new GatewayHarness(dir,
            Map.of("config-center", "127.0.0.1:" + center.service().grpcAddress().getPort()),
            Map.of("MARKETPRISM_RUNTIME_CONFIG_ENABLED", "true",
                "MARKETPRISM_RUNTIME_CONFIG_ENVIRONMENT", environment),
            """
            traffic:
              rate-limits:
                per-role:
                  reader: {capacity: 2, period: 1h}
            """)) {
      String bearer = gateway.bearer("reader");
      String path = "/v1/config/" + environment + "/api-gateway";
      assertThat(get(gateway, path, bearer).status().code()).isEqualTo(200);
      assertThat(get(gateway, path, bearer).status().code()).isEqualTo(200);
      assertThat(get(gateway, path, bearer).status().code()).as("the file's limit: 2 an hour").isEqualTo(429);

      center.blocking().put(PutRequest.newBuilder().setEnvironment(environment).setNamespace("api-gateway")
          .setKey("traffic.rate-limits").setValue("{per-role: {reader: {capacity: 1000, period: 1s}}}").build());
      await().atMost(Duration.ofSeconds(30)).until(() -> get(gateway, path, bearer).status().code() == 200);
      AggregatedHttpResponse listed = get(gateway, path, bearer);
      assertThat(listed.status().code()).isEqualTo(200);
      assertThat(listed.contentUtf8()).contains("traffic.rate-limits");

      // refused whole (a role the gateway does not have): the limits in force stay, the reader's 1 an hour with them
      center.blocking().put(PutRequest.newBuilder().setEnvironment(environment).setNamespace("api-gateway")
          .setKey("traffic.rate-limits")
          .setValue("{per-role: {reader: {capacity: 1, period: 1h}, root: {capacity: 1, period: 1h}}}").build());
      for (int i = 0; i < 20; i++) {
        assertThat(get(gateway, path, bearer).status().code()).isEqualTo(200);
      }
    }
  }

  private static AggregatedHttpResponse get(GatewayHarness gateway, String path, String bearer) {
    return gateway.client().execute(
        RequestHeaders.builder(HttpMethod.GET, path).set(HttpHeaderNames.AUTHORIZATION, bearer).build());
  }
}
