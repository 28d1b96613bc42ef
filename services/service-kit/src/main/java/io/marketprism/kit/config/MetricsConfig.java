package io.marketprism.kit.config;

import jakarta.validation.constraints.NotBlank;
import org.hibernate.validator.constraints.Range;

/**
 * The {@code metrics} section: the Prometheus scrape endpoint ({@code GET /metrics}).
 *
 * <pre>{@code
 * metrics:
 *   enabled: true      # false = no HTTP endpoint (metrics are still counted)
 *   host: 127.0.0.1
 *   port: 9102         # 0 = an ephemeral port (logged at start)
 * }</pre>
 */
public class MetricsConfig {

  private boolean enabled = true;

  @NotBlank private String host = "127.0.0.1";

  @Range(min = 0, max = 65535)
  private int port;

  public boolean enabled() {
    return enabled;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }
}
