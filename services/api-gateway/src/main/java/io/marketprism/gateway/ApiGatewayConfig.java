package io.marketprism.gateway;

import io.marketprism.kit.config.ServiceConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.Range;

/**
 * Configuration of the api-gateway service: the kit's sections, its well-known gRPC port 7104, and
 *
 * <pre>{@code
 * http:
 *   host: 127.0.0.1
 *   port: 8080        # 0 = an ephemeral port
 * }</pre>
 */
public class ApiGatewayConfig extends ServiceConfig {

  @Valid @NotNull private Http http = new Http();

  public ApiGatewayConfig() {
    super(7104);
  }

  public Http http() {
    return http;
  }

  /** The HTTP port: REST/JSON for users (today only {@code /healthz}). */
  public static class Http {

    @NotBlank private String host = "127.0.0.1";

    @Range(min = 0, max = 65535)
    private int port = 8080;

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }
  }
}
