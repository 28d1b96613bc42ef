package io.marketprism.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

  @Test
  void backoffDoublesUpToTheCap() {
    RestartPolicy policy =
        new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), 10, Duration.ofMinutes(1));

    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoff(40)).isEqualTo(Duration.ofSeconds(5));
  }
}
