package io.marketprism.controlplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.controlplane.policy.ServicePolicy.MtlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySourceTest {

  @Test
  void reloadsAChangedFileAndKeepsTheLastGoodPolicyWhenTheNewOneIsInvalid(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh-policy.yaml");
    Files.writeString(file, "services: {svc: {mtls: STRICT}}");
    try (PolicySource source = PolicySource.watching(file, Duration.ofHours(1))) {
      AtomicInteger changes = new AtomicInteger();
      source.onChange(p -> changes.incrementAndGet());
      assertThat(source.current().forService("svc").mtlsMode()).isEqualTo(MtlsMode.STRICT);

      Files.writeString(file, "services: {svc: {mtls: DISABLE}}");
      assertThat(source.reload()).isTrue();
      assertThat(source.current().forService("svc").mtlsMode()).isEqualTo(MtlsMode.DISABLE);

      Files.writeString(file, "services: {svc: {mtls: NEVER}}");
      assertThat(source.reload()).isFalse();
      assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("services.svc.mtls:"));
      assertThat(source.current().forService("svc").mtlsMode()).isEqualTo(MtlsMode.DISABLE);
      assertThat(changes).hasValue(1);
    }
  }

  @Test
  void anInvalidFileAtStartUpIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mesh-policy.yaml");
    Files.writeString(file, "services: {svc: {retry: {attempts: 0}}}");
    assertThatThrownBy(() -> PolicySource.watching(file, Duration.ofHours(1)))
        .hasMessageContaining("services.svc.retry.attempts");
  }
}
