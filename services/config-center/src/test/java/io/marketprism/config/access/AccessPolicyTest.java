package io.marketprism.config.access;

import io.marketprism.kit.api.Caller;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  private static final Caller STORAGE = Caller.service("spiffe://marketprism/service/data-storage");
  private static final Caller ADMIN = Caller.user("root", "admin", "spiffe://marketprism/service/api-gateway");
  private static final Caller POSER = Caller.user("spiffe://marketprism/service/data-storage", "reader", "gw");

  private final AccessPolicy policy =
      new AccessPolicy(
          List.of(
              new AccessRule("payments", Map.of(Action.READ, List.of("role:admin"))),
              new AccessRule(
                  "data-*",
                  Map.of(
                      Action.READ, List.of("spiffe://marketprism/service/*"),
                      Action.READ_SECRETS, List.of("self")))));

  @Test
  void theFirstRuleWhoseNamespacePatternMatchesDecides() {
    assertThat(policy.allows(ADMIN, "payments", Action.READ)).isTrue();
    assertThat(policy.allows(STORAGE, "payments", Action.READ)).isFalse();
    assertThat(policy.allows(STORAGE, "data-storage", Action.READ)).isTrue();
    assertThat(policy.allows(STORAGE, "data-storage", Action.WRITE)).isFalse();
  }

  @Test
  void selfIsTheServiceNamedLikeTheNamespace() {
    assertThat(policy.allows(STORAGE, "data-storage", Action.READ_SECRETS)).isTrue();
    assertThat(policy.allows(STORAGE, "data-archive", Action.READ_SECRETS)).isFalse();
  }

  @Test
  void identityPatternsNeverMatchAGatewayUserWhateverTheirSubject() {
    assertThat(policy.allows(POSER, "data-storage", Action.READ)).isFalse();
    assertThat(policy.allows(POSER, "data-storage", Action.READ_SECRETS)).isFalse();
  }

  @Test
  void aNamespaceNoRuleCoversIsClosed() {
    assertThat(policy.allows(ADMIN, "scheduler", Action.READ)).isFalse();
  }
}
