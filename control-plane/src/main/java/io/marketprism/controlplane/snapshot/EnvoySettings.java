package io.marketprism.controlplane.snapshot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the Envoy resources need beyond the registry and the mesh policy: where certificates are on an Envoy's file
 * system, the ports sidecars use, and the edge gateway's JWT, rate limit, CORS and routing choices. Immutable.
 *
 * @param certDir the directory, on every Envoy's file system, holding its mesh identity ({@code cert.pem},
 *     {@code key.pem}, {@code ca.pem}, replaced in place by the certificate rotator); served as SDS secrets
 * @param inboundPort the port a sidecar terminates mTLS on, in front of its service
 * @param healthPort the sidecar's plaintext port that passes only {@code grpc.health.v1} to its service, for the
 *     control plane's health checks (which have no mesh certificate)
 * @param servicePorts service → its well-known port: the sidecar's outbound listener for that service is
 *     {@code 127.0.0.1:<port>}, and a sidecar forwards inbound calls to its own service at {@code 127.0.0.1:<port>};
 *     services without a port get no outbound listener
 * @param gateway the edge gateway
 */
public record EnvoySettings(
    String certDir, int inboundPort, int healthPort, Map<String, Integer> servicePorts, Gateway gateway) {

  public EnvoySettings {
    servicePorts = Map.copyOf(new TreeMap<>(servicePorts));
  }

  /** The well-known ports of the README (127.0.0.1:71xx) and the defaults below. */
  public static EnvoySettings defaults() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("market-data-collector", 7101);
    ports.put("data-storage", 7102);
    ports.put("message-broker", 7103);
    ports.put("api-gateway", 7104);
    ports.put("scheduler", 7105);
    ports.put("monitoring", 7106);
    ports.put("config-center", 7107);
    ports.put("exchange-simulator", 7108);
    return new EnvoySettings("/etc/marketprism/certs", 15006, 15021, ports, Gateway.defaults());
  }

  public EnvoySettings withGateway(Gateway gateway) {
    return new EnvoySettings(certDir, inboundPort, healthPort, servicePorts, gateway);
  }

  /**
   * @param port the port of the gateway's HTTP listener (HTTP/1.1 REST/JSON and HTTP/2 gRPC on one port)
   * @param jwt who may call
   * @param rateLimit one token bucket per gateway instance
   * @param corsOrigins browser origins allowed to call (exact match)
   * @param routes gRPC service (full name) → mesh service serving it: its {@code google.api.http} paths and its gRPC
   *     path prefix are routed there; gRPC services of the descriptor set not listed here are not exposed
   */
  public record Gateway(int port, Jwt jwt, RateLimit rateLimit, List<String> corsOrigins, Map<String, String> routes) {

    public Gateway {
      corsOrigins = List.copyOf(corsOrigins);
      routes = Map.copyOf(new TreeMap<>(routes));
    }

    public static Gateway defaults() {
      Map<String, String> routes = new LinkedHashMap<>();
      routes.put("marketprism.storage.v1.StorageService", "data-storage");
      routes.put("marketprism.collector.v1.CollectorService", "market-data-collector");
      routes.put("marketprism.broker.v1.BrokerService", "message-broker");
      routes.put("marketprism.scheduler.v1.SchedulerService", "scheduler");
      routes.put("marketprism.monitoring.v1.MonitoringService", "monitoring");
      routes.put("marketprism.config.v1.ConfigService", "config-center");
      return new Gateway(8000,
          new Jwt("marketprism", List.of("marketprism-api"), Optional.empty(), "/etc/marketprism/jwt/jwks.json",
              Duration.ofMinutes(5)),
          new RateLimit(200, 100, Duration.ofSeconds(1)),
          List.of("http://localhost:3000"),
          routes);
    }
  }

  /**
   * JWT authentication of every request (the {@code jwt_authn} provider {@value EnvoyGatewayResources#JWT_PROVIDER}).
   *
   * @param jwksUri an {@code http(s)://host[:port]/path} JWKS endpoint the gateway fetches (cached for
   *     {@code jwksCacheDuration}); when empty, {@code jwksFile} on the gateway's file system is used
   */
  public record Jwt(
      String issuer, List<String> audiences, Optional<String> jwksUri, String jwksFile, Duration jwksCacheDuration) {

    public Jwt {
      audiences = List.copyOf(audiences);
    }
  }

  /** A token bucket: {@code maxTokens} requests at once, {@code tokensPerFill} more every {@code fillInterval}. */
  public record RateLimit(int maxTokens, int tokensPerFill, Duration fillInterval) {}
}
