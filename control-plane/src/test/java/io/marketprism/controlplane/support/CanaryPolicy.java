package io.marketprism.controlplane.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's mesh policy plus a config-center canary (a 90/10 split between 0.1.0 and 0.2.0, and header
 * {@code x-canary: "true"} to 0.2.0). The shipped policy has no split, since every local instance registers as one
 * version; tests of split and header-route resources use this one.
 */
public final class CanaryPolicy {

  public static final String CANARY = """

        config-center:
          split: [{version: "0.1.0", weight: 90}, {version: "0.2.0", weight: 10}]
          header-routes: [{header: x-canary, exact: "true", version: "0.2.0"}]
      """;

  private CanaryPolicy() {}

  /** The shipped policy's text with {@link #CANARY} appended under its {@code services} map. */
  public static String shippedWithCanary() throws Exception {
    String shipped = Files.readString(Path.of("../mesh/deploy/mesh-policy.yaml"));
    int services = shipped.indexOf("\nservices:\n");
    boolean servicesLast = services >= 0 && shipped.substring(services + 1).lines().skip(1)
        .noneMatch(line -> !line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#"));
    if (!servicesLast) {
      throw new IllegalStateException("mesh-policy.yaml must end with its services map for the canary to be appended");
    }
    if (shipped.contains("\n  config-center:")) {
      throw new IllegalStateException("mesh-policy.yaml already has a config-center policy");
    }
    return shipped.stripTrailing() + "\n" + CANARY;
  }
}
