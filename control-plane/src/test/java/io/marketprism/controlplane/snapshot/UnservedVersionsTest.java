package io.marketprism.controlplane.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.controlplane.admin.AdminServer;
import io.marketprism.controlplane.policy.MeshPolicy;
import io.marketprism.controlplane.policy.PolicyReader;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.registry.v1.Instance;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A split or header route to a version no instance runs is reported, in the log and on the admin {@code /policy}. */
@WithNats
class UnservedVersionsTest {

  private static final String CANARY = """
      defaults: {mtls: DISABLE}
      services:
        config-center:
          split: [{version: "0.1.0", weight: 90}, {version: "0.2.0", weight: 10}]
          header-routes: [{header: x-canary, exact: "true", version: "0.3.0"}]
      """;

  private static Instance instance(String service, String version) {
    return Instance.newBuilder().setService(service).setInstanceId(service + "-" + version).setVersion(version).build();
  }

  @Test
  void versionsThatNoRegisteredInstanceRunsAreGapsOthersAreNot() throws Exception {
    MeshPolicy policy = new PolicyReader().read(CANARY);

    assertThat(UnservedVersions.find(policy, List.of(instance("config-center", "dev"), instance("scheduler", "dev"))))
        .containsExactly(new UnservedVersions.Gap("config-center", List.of("0.1.0", "0.2.0", "0.3.0"), List.of("dev")));
    assertThat(UnservedVersions.find(policy, List.of(instance("config-center", "0.1.0"), instance("config-center", "0.2.0"))))
        .containsExactly(new UnservedVersions.Gap("config-center", List.of("0.3.0"), List.of("0.1.0", "0.2.0")));
    assertThat(UnservedVersions.find(policy, List.of(
        instance("config-center", "0.1.0"), instance("config-center", "0.2.0"), instance("config-center", "0.3.0"))))
        .isEmpty();
    assertThat(UnservedVersions.find(policy, List.of())).as("a service not running is no policy gap").isEmpty();
  }

  @Test
  void theAdminPolicyViewShowsASplitToVersionsThatAreNotRegistered(NatsServer nats, @TempDir Path dir) throws Exception {
    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, CANARY);
        AdminServer admin = AdminServer.start("127.0.0.1", 0, mesh.controlPlane(), new ServiceHealth())) {
      mesh.backend("config-center", "config-a", "dev");
      URI policy = URI.create("http://127.0.0.1:" + admin.address().getPort() + "/policy");

      JsonNode gap = await().atMost(Duration.ofSeconds(20)).until(() -> get(policy).get("unserved_versions"), g -> g.size() == 1)
          .get(0);
      assertThat(gap.get("service").asText()).isEqualTo("config-center");
      assertThat(gap.get("versions")).extracting(JsonNode::asText).containsExactly("0.1.0", "0.2.0", "0.3.0");
      assertThat(gap.get("registered_versions")).extracting(JsonNode::asText).containsExactly("dev");
      assertThat(gap.get("warning").asText()).contains("fail with UNAVAILABLE");

      mesh.backend("config-center", "config-b", "0.1.0");
      mesh.backend("config-center", "config-c", "0.2.0");
      mesh.backend("config-center", "config-d", "0.3.0");
      await().atMost(Duration.ofSeconds(20)).until(() -> get(policy).get("unserved_versions").isEmpty());
    }
  }

  private static JsonNode get(URI uri) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
