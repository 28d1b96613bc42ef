package io.marketprism.launcher;

import java.util.Locale;
import java.util.Optional;

/**
 * One entry of the fixed service catalog: where the service's module is, how to start it, and its
 * default ports.
 *
 * @param name the service name used everywhere ({@code data-storage})
 * @param moduleDir the Maven module, relative to the repository root
 * @param artifactId the module's artifactId (its jar is {@code target/<artifactId>-<version>.jar})
 * @param mainClass the class with {@code main}
 * @param defaultGrpcPort the gRPC port unless {@code marketprism.yaml} says otherwise
 * @param extraPort a second listening port some services have (gateway HTTP, control-plane admin,
 *     ...)
 */
public record ServiceDefinition(
    String name,
    String moduleDir,
    String artifactId,
    String mainClass,
    int defaultGrpcPort,
    Optional<ExtraPort> extraPort) {

  /**
   * The default metrics port: 9100 plus the last two digits of the default gRPC port (7102 → 9102).
   */
  public int defaultMetricsPort() {
    return 9100 + defaultGrpcPort % 100;
  }

  /**
   * The default plaintext health port in the mesh: 7300 plus the last two digits of the default
   * gRPC port (7102 → 7302).
   */
  public int defaultHealthPort() {
    return 7300 + defaultGrpcPort % 100;
  }

  /**
   * Whether the service runs in the mesh when the mesh is on: every service but the control plane,
   * which serves the mesh its configuration and so cannot take its own from it.
   */
  public boolean joinsMesh() {
    return !name.equals(ServiceCatalog.CONTROL_PLANE);
  }

  /** {@code data-storage} → {@code DATA_STORAGE}, for {@code MARKETPRISM_PEERS_DATA_STORAGE}. */
  public String envName() {
    return name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * A service's second port.
   *
   * @param configKey its key under {@code services.<name>} in marketprism.yaml ({@code http-port})
   * @param envVar the variable that hands it to the service ({@code MARKETPRISM_HTTP_PORT})
   * @param defaultPort the port unless configured
   * @param purpose what it serves, for messages ({@code HTTP})
   * @param statusField the field that carries its URL in {@code status --json} ({@code http}), if
   *     any
   */
  public record ExtraPort(
      String configKey,
      String envVar,
      int defaultPort,
      String purpose,
      Optional<String> statusField) {}
}
