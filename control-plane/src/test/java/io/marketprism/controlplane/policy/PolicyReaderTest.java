package io.marketprism.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.controlplane.policy.ServicePolicy.LbPolicy;
import io.marketprism.controlplane.policy.ServicePolicy.MtlsMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyReaderTest {

  private final PolicyReader reader = new PolicyReader();

  @Test
  void readsEveryPartOfAServicePolicyAndAppliesDefaults() throws Exception {
    MeshPolicy policy = reader.read("""
        defaults:
          mtls: STRICT
          timeout: 5s
        services:
          data-storage:
            load-balancing: {policy: RING_HASH, hash-header: x-symbol}
            circuit-breaker: {max-requests: 100}
            outlier-detection: {interval: 1s, base-ejection-time: 30s, max-ejection-percent: 50, failure-percentage: 50, minimum-hosts: 3, request-volume: 20}
            retry: {codes: [UNAVAILABLE, RESOURCE_EXHAUSTED], attempts: 3, initial-backoff: 25ms, max-backoff: 250ms}
            split: [{version: "1.0", weight: 90}, {version: "1.1", weight: 10}]
            header-routes: [{header: x-canary, exact: "true", version: "1.1"}]
            fault: {delay: 100ms, delay-percent: 10, abort-code: UNAVAILABLE, abort-percent: 5}
            rbac: {allow: [{from: api-gateway, methods: ["/marketprism.storage.v1.StorageService/*"]}]}
          scheduler:
            mtls: DISABLE
        """);

    ServicePolicy storage = policy.forService("data-storage");
    assertThat(storage.loadBalancing().orElseThrow().policy()).isEqualTo(LbPolicy.RING_HASH);
    assertThat(storage.loadBalancing().orElseThrow().hashHeader()).contains("x-symbol");
    assertThat(storage.circuitBreaker().orElseThrow().maxRequests()).isEqualTo(100);
    assertThat(storage.outlierDetection().orElseThrow().failurePercentage()).isEqualTo(50);
    assertThat(storage.retry().orElseThrow().codes()).containsExactly("unavailable", "resource-exhausted");
    assertThat(storage.retry().orElseThrow().attempts()).isEqualTo(3);
    assertThat(storage.split()).extracting(ServicePolicy.VersionWeight::weight).containsExactly(90, 10);
    assertThat(storage.headerRoutes().get(0).version()).isEqualTo("1.1");
    assertThat(storage.fault().orElseThrow().abortCode()).contains(14);
    assertThat(storage.rbac().orElseThrow().allow().get(0).from()).isEqualTo("api-gateway");
    assertThat(storage.timeout()).contains(Duration.ofSeconds(5));
    assertThat(storage.mtlsMode()).isEqualTo(MtlsMode.STRICT);
    assertThat(policy.forService("scheduler").mtlsMode()).isEqualTo(MtlsMode.DISABLE);
    assertThat(policy.forService("unknown").mtlsMode()).isEqualTo(MtlsMode.STRICT);
  }

  @Test
  void invalidValuesAreRejectedWithThePathOfTheField() {
    assertThatThrownBy(() -> reader.read("services: {svc: {retry: {attempts: 9}}}"))
        .hasMessage("services.svc.retry.attempts: must be an integer from 1 to 5 (was 9)");
    assertThatThrownBy(() -> reader.read("services: {svc: {split: [{version: a, weight: 1}, {version: b, weight: -1}]}}"))
        .hasMessage("services.svc.split[1].weight: must be an integer from 0 to 1000 (was -1)");
    assertThatThrownBy(() -> reader.read("services: {svc: {load-balancing: {policy: RING_HASH}}}"))
        .hasMessage("services.svc.load-balancing.hash-header: is required with policy RING_HASH");
    assertThatThrownBy(() -> reader.read("services: {svc: {mtls: SOMETIMES}}"))
        .hasMessage("services.svc.mtls: \"SOMETIMES\" is not one of [STRICT, PERMISSIVE, DISABLE]");
    assertThatThrownBy(() -> reader.read("services: {svc: {timout: 1s}}"))
        .hasMessageStartingWith("services.svc.timout: unknown key");
    assertThatThrownBy(() -> reader.read("services: {svc: {retry: {codes: [NOT_FOUND]}}}"))
        .hasMessageStartingWith("services.svc.retry.codes: NOT_FOUND cannot be retried");
    assertThatThrownBy(() -> reader.read("services: {Bad_Name: {}}"))
        .hasMessageStartingWith("services.Bad_Name: service names");
    assertThatThrownBy(() -> reader.read("services: {svc: {timeout: soon}}"))
        .hasMessageStartingWith("services.svc.timeout: \"soon\" is not a positive duration");
  }

  @Test
  void theSamplePolicyShippedInMeshDeployIsValid() throws Exception {
    MeshPolicy policy = reader.read(java.nio.file.Files.readString(java.nio.file.Path.of("../mesh/deploy/mesh-policy.yaml")));

    assertThat(policy.serviceNames()).contains("data-storage");
    assertThat(policy.forService("data-storage").mtlsMode()).isEqualTo(MtlsMode.STRICT);
    // every local instance registers as one version, so a shipped split would leave the service without endpoints
    assertThat(policy.serviceNames()).allSatisfy(s -> {
      assertThat(policy.forService(s).split()).as("split of %s", s).isEmpty();
      assertThat(policy.forService(s).headerRoutes()).as("header routes of %s", s).isEmpty();
    });
    // operators read data-storage; only named services archive or purge
    List<ServicePolicy.RbacRule> storage = policy.forService("data-storage").rbac().orElseThrow().allow();
    assertThat(storage).extracting(ServicePolicy.RbacRule::from).doesNotContain("*").contains("operator/*");
    assertThat(storage).filteredOn(r -> r.from().startsWith("operator/")).flatExtracting(ServicePolicy.RbacRule::methods)
        .contains("/marketprism.storage.v1.StorageService/ListTrades")
        .noneMatch(m -> m.contains("Archive") || m.endsWith("/*") && m.contains("StorageService") || m.equals("*"));
  }

  @Test
  void rbacCallersAreServicesOperatorsOrAnyone() throws Exception {
    MeshPolicy policy = reader.read("""
        services:
          svc:
            rbac: {allow: [{from: api-gateway}, {from: "operator/*"}, {from: "operator/alice"}, {from: "*"}]}
        """);
    assertThat(policy.forService("svc").rbac().orElseThrow().allow()).extracting(ServicePolicy.RbacRule::from)
        .containsExactly("api-gateway", "operator/*", "operator/alice", "*");

    for (String bad : List.of("operator/", "operator/Alice", "operators/*", "operator/a/b", "*/alice", "service/api-gateway")) {
      assertThatThrownBy(() -> reader.read("services: {svc: {rbac: {allow: [{from: api-gateway}, {from: \"" + bad + "\"}]}}}"))
          .hasMessage("services.svc.rbac.allow[1].from: must be a service name, operator/<name>, operator/* or * (was \""
              + bad + "\")");
    }
  }

  @Test
  void emptyFileIsAnEmptyPolicy() throws Exception {
    assertThat(reader.read("")).isEqualTo(MeshPolicy.EMPTY);
  }
}
