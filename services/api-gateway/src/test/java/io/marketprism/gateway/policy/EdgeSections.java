package io.marketprism.gateway.policy;

import io.marketprism.gateway.security.SecurityConfig;
import io.marketprism.gateway.traffic.TrafficConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The two sections as ApiGatewayConfig will hold them, for loading them through the kit's config loader. */
public class EdgeSections {
  @Valid @NotNull private SecurityConfig security = new SecurityConfig();
  @Valid @NotNull private TrafficConfig traffic = new TrafficConfig();

  public SecurityConfig security() {
    return security;
  }

  public TrafficConfig traffic() {
    return traffic;
  }
}
