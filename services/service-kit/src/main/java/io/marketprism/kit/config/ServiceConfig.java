package io.marketprism.kit.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration every service has; a service's own config class extends it with its sections.
 *
 * <p>How to write a config class (see {@link ConfigLoader} for how it is loaded):
 *
 * <ul>
 *   <li>Private fields with their defaults as initializers, read through accessor methods; YAML keys are the field
 *       names in kebab-case ({@code shutdownGrace} ↔ {@code shutdown-grace}).
 *   <li>A section is a nested class with a no-argument constructor; mark its field {@code @Valid} so its
 *       constraints are checked too.
 *   <li>Constraints are Jakarta Bean Validation annotations ({@code @NotBlank}, {@code @Range}, {@code @DurationMin}).
 * </ul>
 *
 * <pre>{@code
 * public class StorageConfig extends ServiceConfig {
 *   @Valid private ClickHouse clickhouse = new ClickHouse();
 *   public ClickHouse clickhouse() { return clickhouse; }
 *
 *   public static class ClickHouse {
 *     @NotBlank private String url = "jdbc:clickhouse://127.0.0.1:8123/marketprism";
 *     public String url() { return url; }
 *   }
 * }
 * }</pre>
 *
 * <p>{@code peers} maps a service name to the {@code host:port} that {@code ctx.channels().forService(name)} dials,
 * e.g. {@code peers: {data-storage: 127.0.0.1:7102}} or {@code MARKETPRISM_PEERS_DATA_STORAGE=127.0.0.1:7102}.
 */
public class ServiceConfig {

  @Valid @NotNull private GrpcConfig grpc = new GrpcConfig();

  @Valid @NotNull private MetricsConfig metrics = new MetricsConfig();

  @Valid @NotNull private MeshConfig mesh = new MeshConfig();

  @Valid @NotNull private RuntimeConfig runtimeConfig = new RuntimeConfig();

  @NotNull
  private Map<
          @NotBlank String,
          @NotNull @Pattern(regexp = "[^\\s:]+:\\d{1,5}", message = "must be host:port") String>
      peers = new LinkedHashMap<>();

  /** Defaults with an ephemeral gRPC port. */
  public ServiceConfig() {}

  /** Defaults with {@code grpc.port} = {@code defaultGrpcPort}, for a service that has a well-known port. */
  protected ServiceConfig(int defaultGrpcPort) {
    grpc.defaultPort(defaultGrpcPort);
  }

  public GrpcConfig grpc() {
    return grpc;
  }

  public MetricsConfig metrics() {
    return metrics;
  }

  /** The xDS mesh: off unless {@code mesh.enabled}; see {@link MeshConfig}. */
  public MeshConfig mesh() {
    return mesh;
  }

  /** Run-time settings from the config center: off unless {@code runtime-config.enabled}; see {@link RuntimeConfig}. */
  public RuntimeConfig runtimeConfig() {
    return runtimeConfig;
  }

  /** Service name → {@code host:port}; unmodifiable. */
  public Map<String, String> peers() {
    return Map.copyOf(peers);
  }
}
