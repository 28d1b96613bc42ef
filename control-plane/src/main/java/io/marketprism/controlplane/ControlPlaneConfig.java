package io.marketprism.controlplane;

import io.marketprism.kit.config.ServiceConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import io.marketprism.controlplane.snapshot.EnvoySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the control-plane service: the kit's sections, its well-known gRPC port 7100 (registry, ADS,
 * CSDS), and
 *
 * <pre>{@code
 * admin:
 *   host: 127.0.0.1
 *   port: 7190               # 0 = an ephemeral port
 * nats:
 *   url: nats://127.0.0.1:4222    # a cluster: every member's URL, comma-separated
 *   streams: {replicas: 1}        # copies of the registry bucket when it is created (3 on a 3-member cluster)
 * registry:
 *   bucket: mesh-registry    # every replica of one mesh uses the same bucket
 *   reap-interval: 1s        # how often expired leases and finished drains are removed
 * health-check:
 *   interval: 2s
 *   timeout: 1s
 *   healthy-threshold: 2
 *   unhealthy-threshold: 3
 * server-tls:
 *   cert-dir: ""             # cert.pem, key.pem, ca.pem of the control plane's mesh identity
 *                            # (spiffe://marketprism/service/control-plane); empty = the gRPC port is plaintext
 *                            # and anyone who reaches it may register instances and read the mesh config
 *   client-auth: REQUIRE     # the only mode: every caller presents a mesh-CA certificate; a service may register,
 *                            # renew and deregister only its own instances; list/watch/ADS are open to any identity
 *   health-port: 0           # plaintext grpc.health.v1 beside the TLS port, for probes without a certificate;
 *                            # 0 = an ephemeral port
 * plaintext-ads:             # read-only ADS without TLS on 127.0.0.1, for xDS clients that cannot speak TLS to the
 *   enabled: false           # control plane (gRPC for Node); no registry API on it; their data traffic stays mTLS
 *   port: 7110
 * policy:
 *   file: ""                 # the mesh policy YAML; empty = no policy (xDS defaults, plaintext)
 *   poll-interval: 2s
 * envoy:                     # Envoy nodes (see EnvoyNode for how they are told apart); defaults shown
 *   cert-dir: /etc/marketprism/certs   # cert.pem, key.pem, ca.pem on each Envoy's file system (SDS secrets)
 *   inbound-port: 15006                # a sidecar's mTLS listener
 *   health-port: 15021                 # a sidecar's plaintext grpc.health.v1 listener (the control plane's checks)
 *   service-ports: {market-data-collector: 7101, data-storage: 7102, ...}   # outbound listeners 127.0.0.1:<port>
 *   gateway:
 *     port: 8000
 *     jwt: {issuer: marketprism, audiences: [marketprism-api], jwks-uri: "",
 *           jwks-file: /etc/marketprism/jwt/jwks.json, jwks-cache-duration: 5m}
 *     rate-limit: {max-tokens: 200, tokens-per-fill: 100, fill-interval: 1s}
 *     cors-origins: ["http://localhost:3000"]
 *     routes: {marketprism.storage.v1.StorageService: data-storage, ...}   # gRPC service → mesh service
 * }</pre>
 */
public class ControlPlaneConfig extends ServiceConfig {

  @Valid @NotNull private Admin admin = new Admin();
  @Valid @NotNull private NatsSection nats = new NatsSection();
  @Valid @NotNull private RegistrySection registry = new RegistrySection();
  @Valid @NotNull private HealthCheck healthCheck = new HealthCheck();
  @Valid @NotNull private ServerTls serverTls = new ServerTls();
  @Valid @NotNull private PlaintextAds plaintextAds = new PlaintextAds();
  @Valid @NotNull private Policy policy = new Policy();
  @Valid @NotNull private Envoy envoy = new Envoy();

  public ControlPlaneConfig() {
    super(7100);
  }

  public Admin admin() {
    return admin;
  }

  public NatsSection nats() {
    return nats;
  }

  public RegistrySection registry() {
    return registry;
  }

  public HealthCheck healthCheck() {
    return healthCheck;
  }

  public ServerTls serverTls() {
    return serverTls;
  }

  public PlaintextAds plaintextAds() {
    return plaintextAds;
  }

  public Policy policy() {
    return policy;
  }

  public Envoy envoy() {
    return envoy;
  }

  /** The admin HTTP port: {@code /healthz}, {@code /nodes}, {@code /registry}, {@code /policy}, {@code /snapshots}. */
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

  /** Where the registry's key-value bucket lives. */
  public static class NatsSection {
    @NotBlank
    @Pattern(regexp = "(nats|tls)://\\S+", message = "must be a nats:// or tls:// URL")
    private String url = "nats://127.0.0.1:4222";

    @Valid @NotNull private Streams streams = new Streams();

    public String url() {
      return url;
    }

    public Streams streams() {
      return streams;
    }
  }

  /**
   * Copies of the buckets it creates (the registry), as every service's {@code nats.streams.replicas}: one per member
   * of a NATS cluster, at most three ({@code up --nats-cluster} sets it).
   */
  public static class Streams {
    @Min(1)
    @Max(5)
    private int replicas = 1;

    public int replicas() {
      return replicas;
    }
  }

  /** The registry bucket and its housekeeping. */
  public static class RegistrySection {
    @NotBlank
    @Pattern(regexp = "[A-Za-z0-9_-]+", message = "must be letters, digits, - and _")
    private String bucket = "mesh-registry";

    @NotNull
    @DurationMin(millis = 100)
    private Duration reapInterval = Duration.ofSeconds(1);

    public String bucket() {
      return bucket;
    }

    public Duration reapInterval() {
      return reapInterval;
    }
  }

  /** Active grpc.health.v1 checks of every instance. */
  public static class HealthCheck {
    @NotNull
    @DurationMin(millis = 50)
    private Duration interval = Duration.ofSeconds(2);

    @NotNull
    @DurationMin(millis = 10)
    private Duration timeout = Duration.ofSeconds(1);

    @Min(1)
    private int healthyThreshold = 2;

    @Min(1)
    private int unhealthyThreshold = 3;

    public Duration interval() {
      return interval;
    }

    public Duration timeout() {
      return timeout;
    }

    public int healthyThreshold() {
      return healthyThreshold;
    }

    public int unhealthyThreshold() {
      return unhealthyThreshold;
    }
  }

  /** mTLS on the gRPC port (registry, ADS, CSDS) with the control plane's mesh certificate; files re-read on change. */
  public static class ServerTls {
    @NotNull private String certDir = "";

    @NotNull
    @Pattern(regexp = "REQUIRE", message = "must be REQUIRE (a caller without a certificate could register any service)")
    private String clientAuth = "REQUIRE";

    @Range(min = 0, max = 65535)
    private int healthPort;

    /** The certificate directory, when the port serves mTLS. */
    public Optional<Path> certDir() {
      return certDir.isBlank() ? Optional.empty() : Optional.of(Path.of(certDir));
    }

    /** The plaintext grpc.health.v1 port started with TLS (0 = ephemeral). */
    public int healthPort() {
      return healthPort;
    }
  }

  /** The loopback-only, read-only plaintext ADS endpoint ({@code xds.LoopbackAdsServer}); off unless enabled. */
  public static class PlaintextAds {
    private boolean enabled;

    @Range(min = 0, max = 65535)
    private int port = 7110;

    public boolean enabled() {
      return enabled;
    }

    /** 0 = an ephemeral port. */
    public int port() {
      return port;
    }
  }

  /** The mesh policy file. */
  public static class Policy {
    @NotNull private String file = "";

    @NotNull
    @DurationMin(millis = 100)
    private Duration pollInterval = Duration.ofSeconds(2);

    public String file() {
      return file;
    }

    public Duration pollInterval() {
      return pollInterval;
    }
  }

  /** What Envoy sidecars and the edge gateway get beyond the registry and the mesh policy. */
  public static class Envoy {
    private static final String SERVICE_NAME = "[a-z][a-z0-9-]{0,62}";
    private static final EnvoySettings DEFAULTS = EnvoySettings.defaults();

    @NotBlank private String certDir = DEFAULTS.certDir();

    @Range(min = 1, max = 65535)
    private int inboundPort = DEFAULTS.inboundPort();

    @Range(min = 1, max = 65535)
    private int healthPort = DEFAULTS.healthPort();

    @NotNull
    private Map<@Pattern(regexp = SERVICE_NAME, message = "must be a service name") String,
        @NotNull @Range(min = 1, max = 65535) Integer> servicePorts = new LinkedHashMap<>(DEFAULTS.servicePorts());

    @Valid @NotNull private Gateway gateway = new Gateway();

    public EnvoySettings settings() {
      return new EnvoySettings(certDir, inboundPort, healthPort, servicePorts, gateway.settings());
    }

    /** The edge gateway. */
    public static class Gateway {
      private static final EnvoySettings.Gateway DEFAULTS = EnvoySettings.Gateway.defaults();

      @Range(min = 1, max = 65535)
      private int port = DEFAULTS.port();

      @Valid @NotNull private Jwt jwt = new Jwt();
      @Valid @NotNull private RateLimit rateLimit = new RateLimit();
      @NotNull private List<@NotBlank String> corsOrigins = new ArrayList<>(DEFAULTS.corsOrigins());

      @NotNull
      private Map<@NotBlank String, @NotNull @Pattern(regexp = SERVICE_NAME, message = "must be a service name") String>
          routes = new LinkedHashMap<>(DEFAULTS.routes());

      EnvoySettings.Gateway settings() {
        return new EnvoySettings.Gateway(port, jwt.settings(), rateLimit.settings(), corsOrigins, routes);
      }
    }

    /** JWT authentication at the gateway: keys from {@code jwks-uri} when set, else from {@code jwks-file}. */
    public static class Jwt {
      private static final EnvoySettings.Jwt DEFAULTS = EnvoySettings.Gateway.defaults().jwt();

      @NotBlank private String issuer = DEFAULTS.issuer();
      @NotNull private List<@NotBlank String> audiences = new ArrayList<>(DEFAULTS.audiences());

      @NotNull
      @Pattern(regexp = "(https?://[^\\s/]+/\\S*)?", message = "must be empty or an http(s)://host/path URL")
      private String jwksUri = "";

      @NotBlank private String jwksFile = DEFAULTS.jwksFile();

      @NotNull
      @DurationMin(seconds = 1)
      private Duration jwksCacheDuration = DEFAULTS.jwksCacheDuration();

      EnvoySettings.Jwt settings() {
        return new EnvoySettings.Jwt(issuer, audiences, jwksUri.isEmpty() ? Optional.empty() : Optional.of(jwksUri),
            jwksFile, jwksCacheDuration);
      }
    }

    /** The gateway's token bucket. */
    public static class RateLimit {
      private static final EnvoySettings.RateLimit DEFAULTS = EnvoySettings.Gateway.defaults().rateLimit();

      @Min(1)
      private int maxTokens = DEFAULTS.maxTokens();

      @Min(1)
      private int tokensPerFill = DEFAULTS.tokensPerFill();

      @NotNull
      @DurationMin(millis = 50)
      private Duration fillInterval = DEFAULTS.fillInterval();

      EnvoySettings.RateLimit settings() {
        return new EnvoySettings.RateLimit(maxTokens, tokensPerFill, fillInterval);
      }
    }
  }
}
