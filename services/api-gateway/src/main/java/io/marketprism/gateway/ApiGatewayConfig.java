package io.marketprism.gateway;

import io.marketprism.gateway.routing.RoutingConfig;
import io.marketprism.gateway.security.SecurityConfig;
import io.marketprism.gateway.traffic.TrafficConfig;
import io.marketprism.kit.config.ServiceConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.Range;

/**
 * Configuration of the api-gateway service: the kit's sections, its well-known gRPC port 7104, and
 *
 * <pre>{@code
 * http:
 *   host: 127.0.0.1
 *   port: 8080          # 0 = an ephemeral port
 *   tls:                # both set: HTTPS (HTTP/1.1 and HTTP/2) on the port instead of plaintext
 *     cert-file: ""     # PEM certificate chain
 *     key-file: ""      # PEM PKCS#8 private key
 * security: ...         # who may call: see SecurityConfig and docs/gateway-security.md
 * traffic: ...          # rate limits, cache, CORS, size limits: see TrafficConfig
 * routing: ...          # deadlines, health checks, live streams: see RoutingConfig
 * }</pre>
 */
public class ApiGatewayConfig extends ServiceConfig {

  @Valid @NotNull private Http http = new Http();
  @Valid @NotNull private SecurityConfig security = new SecurityConfig();
  @Valid @NotNull private TrafficConfig traffic = new TrafficConfig();
  @Valid @NotNull private RoutingConfig routing = new RoutingConfig();

  public ApiGatewayConfig() {
    super(7104);
  }

  public Http http() {
    return http;
  }

  public SecurityConfig security() {
    return security;
  }

  public TrafficConfig traffic() {
    return traffic;
  }

  public RoutingConfig routing() {
    return routing;
  }

  /** The users' port: REST/JSON, gRPC, gRPC-Web, live streams, docs. */
  public static class Http {

    @NotBlank private String host = "127.0.0.1";

    @Range(min = 0, max = 65535)
    private int port = 8080;

    @Valid @NotNull private Tls tls = new Tls();

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }

    public Tls tls() {
      return tls;
    }
  }

  /** HTTPS on the users' port, when both files are set. */
  public static class Tls {

    @NotNull private String certFile = "";
    @NotNull private String keyFile = "";

    public String certFile() {
      return certFile;
    }

    public String keyFile() {
      return keyFile;
    }

    public boolean enabled() {
      return !certFile.isBlank();
    }

    @AssertTrue(message = "cert-file and key-file are set together")
    public boolean isComplete() {
      return certFile.isBlank() == keyFile.isBlank();
    }
  }
}
