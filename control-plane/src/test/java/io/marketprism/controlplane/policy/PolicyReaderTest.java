package io.marketprism.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.controlplane.policy.ServicePolicy.LbPolicy;
import io.marketprism.controlplane.policy.ServicePolicy.MtlsMode;
import java.time.Duration;
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

    assertThat(policy.serviceNames()).contains("data-storage", "config-center");
    assertThat(policy.forService("data-storage").mtlsMode()).isEqualTo(MtlsMode.STRICT);
    assertThat(policy.forService("config-center").split()).hasSize(2);
  }

  @Test
  void emptyFileIsAnEmptyPolicy() throws Exception {
    assertThat(reader.read("")).isEqualTo(MeshPolicy.EMPTY);
  }
}
