package io.marketprism.controlplane;

import io.marketprism.kit.config.ServiceConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.Range;

/**
 * Configuration of the control-plane service: the kit's sections, its well-known gRPC port 7100, and
 *
 * <pre>{@code
 * admin:
 *   host: 127.0.0.1
 *   port: 7190        # 0 = an ephemeral port
 * }</pre>
 */
public class ControlPlaneConfig extends ServiceConfig {

  @Valid @NotNull private Admin admin = new Admin();

  public ControlPlaneConfig() {
    super(7100);
  }

  public Admin admin() {
    return admin;
  }

  /** The admin HTTP port: the control plane's operator views (today only {@code /healthz}). */
  public static class Admin {

    @NotBlank private String host = "127.0.0.1";

    @Range(min = 0, max = 65535)
    private int port = 7190;

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }
  }
}
