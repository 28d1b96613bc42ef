package io.marketprism.kit.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The {@code grpc} section: where the server listens and how it stops.
 *
 * <pre>{@code
 * grpc:
 *   host: 127.0.0.1               # bind address; 0.0.0.0 for every interface
 *   port: 7102                    # 0 = an ephemeral port (logged at start)
 *   shutdown-grace: 10s           # how long in-flight calls may run after the server stops accepting
 *   drain-delay: 0s               # NOT_SERVING is announced this long before the server stops accepting
 *   max-inbound-message-size: 4194304
 * }</pre>
 */
public class GrpcConfig {

  @NotBlank private String host = "127.0.0.1";

  @Range(min = 0, max = 65535)
  private int port;

  @NotNull
  @DurationMin(millis = 0)
  private Duration shutdownGrace = Duration.ofSeconds(10);

  @NotNull
  @DurationMin(millis = 0)
  private Duration drainDelay = Duration.ZERO;

  @Min(1024)
  private int maxInboundMessageSize = 4 * 1024 * 1024;

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public Duration drainDelay() {
    return drainDelay;
  }

  public int maxInboundMessageSize() {
    return maxInboundMessageSize;
  }

  void defaultPort(int port) {
    this.port = port;
  }
}
