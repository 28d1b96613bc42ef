package io.marketprism.kit.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The {@code mesh} section: whether the service runs in the xDS mesh, and how it finds the control plane.
 *
 * <pre>{@code
 * mesh:
 *   enabled: false                   # true = XdsServerBuilder server, registration, xds:///<service> channels
 *   control-plane: 127.0.0.1:7100    # host:port of the control plane (registry + ADS); comma-separated replicas
 *   control-plane-tls: false         # true = mTLS to the control plane with cert-dir's identity (its server-tls);
 *                                    # it must present spiffe://marketprism/service/control-plane
 *   cert-dir: ""                     # cert.pem, key.pem, ca.pem of this service's mesh identity (rotated in place);
 *                                    # empty = no certificate: only services whose mTLS mode is DISABLE can be called
 *   health-port: 0                   # plaintext grpc.health.v1 port for the control plane's checks; 0 = ephemeral
 *   zone: local                      # locality for load balancing
 *   instance-id: ""                  # unique within the service; empty = <host>-<grpc port>
 *   lease-ttl: 30s                   # registry lease; renewed every third of it
 *   drain-period: 10s                # how long the registry keeps a deregistered instance DRAINING
 * }</pre>
 *
 * With the mesh on, {@code grpc.port} must be a fixed port ({@code XdsServerBuilder} names its listener after it);
 * 0 picks a free port first.
 */
public class MeshConfig {

  private boolean enabled;

  @NotBlank
  @Pattern(regexp = "[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*", message = "must be host:port[,host:port...]")
  private String controlPlane = "127.0.0.1:7100";

  private boolean controlPlaneTls;

  @NotNull private String certDir = "";

  @Range(min = 0, max = 65535)
  private int healthPort;

  @NotBlank private String zone = "local";

  @NotNull
  @Pattern(regexp = "[A-Za-z0-9._-]{0,128}", message = "must be up to 128 characters of [A-Za-z0-9._-]")
  private String instanceId = "";

  @NotNull
  @DurationMin(seconds = 5)
  @DurationMax(minutes = 5)
  private Duration leaseTtl = Duration.ofSeconds(30);

  @NotNull
  @DurationMin(millis = 0)
  @DurationMax(minutes = 10)
  private Duration drainPeriod = Duration.ofSeconds(10);

  public boolean enabled() {
    return enabled;
  }

  public String controlPlane() {
    return controlPlane;
  }

  /** Whether the registry and ADS connections to the control plane use mTLS with this service's certificate. */
  public boolean controlPlaneTls() {
    return controlPlaneTls;
  }

  @AssertTrue(message = "mesh.control-plane-tls needs mesh.cert-dir (the certificate it presents)")
  private boolean isControlPlaneTlsCertified() {
    return !controlPlaneTls || !certDir.isBlank();
  }

  public String certDir() {
    return certDir;
  }

  public int healthPort() {
    return healthPort;
  }

  public String zone() {
    return zone;
  }

  public String instanceId() {
    return instanceId;
  }

  public Duration leaseTtl() {
    return leaseTtl;
  }

  public Duration drainPeriod() {
    return drainPeriod;
  }
}
