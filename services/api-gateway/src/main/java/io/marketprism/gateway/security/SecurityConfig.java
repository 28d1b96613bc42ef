package io.marketprism.gateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The gateway's {@code security:} section: who may call it and what each role may call.
 *
 * <pre>{@code
 * security:
 *   jwt:
 *     jwks-file: ""                 # RS256/ES256 public keys (a JWKS document); "" = none
 *     hs256-key-file: ""            # shared secret for local development (the launcher's workspace key); "" = none
 *     issuer: marketprism-local     # required `iss`
 *     audiences: [marketprism-gateway]   # `aud` must contain one of these
 *     clock-skew: 30s               # at most 5m
 *   api-keys:
 *     file: ""                      # JSON: {"keys":[{"name":..,"role":..,"sha256":..}]}; "" = API keys off
 *     reload-check-interval: 1s     # how often the file's modification time is looked at
 *   anonymous:
 *     enabled: false                # true: requests without credentials act as `role`
 *     role: reader
 *     paths: [/healthz, /openapi.json, /docs, /docs/**, /grpc.reflection.**]   # always open: health and the
 *                                                  # schema (reflection is what buf curl and grpcurl read it by)
 *   roles:                          # method patterns per role, cumulative upward; * = within a name segment
 *     reader: [...]
 *     operator: [...]
 *     admin: ["**"]
 * }</pre>
 *
 * Environment: {@code MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE}, {@code MARKETPRISM_SECURITY_JWT_ISSUER},
 * {@code MARKETPRISM_SECURITY_JWT_AUDIENCES} (comma-separated), {@code MARKETPRISM_SECURITY_API_KEYS_FILE}, ...
 */
public class SecurityConfig {

  @Valid @NotNull private Jwt jwt = new Jwt();
  @Valid @NotNull private ApiKeys apiKeys = new ApiKeys();
  @Valid @NotNull private Anonymous anonymous = new Anonymous();
  @Valid @NotNull private Roles roles = new Roles();

  public Jwt jwt() {
    return jwt;
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Anonymous anonymous() {
    return anonymous;
  }

  public Roles roles() {
    return roles;
  }

  /** JSON Web Tokens in {@code Authorization: Bearer}. */
  public static class Jwt {
    @NotNull private String jwksFile = "";
    @NotNull private String hs256KeyFile = "";
    @NotBlank private String issuer = "marketprism-local";
    @NotEmpty private List<@NotBlank String> audiences = List.of("marketprism-gateway");

    @NotNull
    @DurationMin(seconds = 0)
    @DurationMax(minutes = 5)
    private Duration clockSkew = Duration.ofSeconds(30);

    public String jwksFile() {
      return jwksFile;
    }

    public String hs256KeyFile() {
      return hs256KeyFile;
    }

    public String issuer() {
      return issuer;
    }

    public List<String> audiences() {
      return audiences;
    }

    public Duration clockSkew() {
      return clockSkew;
    }

    /** Whether any key to verify tokens with is configured. */
    public boolean enabled() {
      return !jwksFile.isBlank() || !hs256KeyFile.isBlank();
    }
  }

  /** API keys ({@code mpk_...}) in {@code x-api-key} or {@code Authorization: Bearer}. */
  public static class ApiKeys {
    @NotNull private String file = "";

    @NotNull
    @DurationMin(seconds = 0)
    private Duration reloadCheckInterval = Duration.ofSeconds(1);

    public String file() {
      return file;
    }

    public Duration reloadCheckInterval() {
      return reloadCheckInterval;
    }
  }

  /** Requests without credentials. */
  public static class Anonymous {
    private boolean enabled = false;
    @NotNull
    @Pattern(regexp = "reader|operator|admin")
    private String role = "reader";
    @NotNull private List<@NotBlank String> paths = List.of("/healthz", "/openapi.json", "/docs", "/docs/**", "/grpc.reflection.**");

    public boolean enabled() {
      return enabled;
    }

    public Role role() {
      return Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
    }

    public List<String> paths() {
      return paths;
    }
  }

  /**
   * Full gRPC method names each role may call ({@code marketprism.storage.v1.StorageService/ListTrades}); a role may
   * also call everything the roles below it may. {@code *} matches within a segment (no {@code /} or {@code .}),
   * {@code **} matches anything.
   */
  public static class Roles {
    @NotNull
    private List<@NotBlank String> reader =
        List.of(
            "marketprism.*.v1.*/Get*",
            "marketprism.*.v1.*/List*",
            "marketprism.*.v1.*/Watch*",
            "marketprism.storage.v1.StorageService/FollowEvents",
            "marketprism.storage.v1.StorageService/ReplayEvents",
            "marketprism.config.v1.ConfigService/BatchGet",
            "marketprism.config.v1.ConfigService/History");

    @NotNull
    private List<@NotBlank String> operator =
        List.of(
            "marketprism.storage.v1.StorageService/**",
            "marketprism.collector.v1.CollectorService/**",
            "marketprism.broker.v1.BrokerService/**",
            "marketprism.scheduler.v1.SchedulerService/**",
            "marketprism.monitoring.v1.MonitoringService/**",
            "marketprism.config.v1.ConfigService/**");

    @NotNull private List<@NotBlank String> admin = List.of("**");

    public List<String> reader() {
      return reader;
    }

    public List<String> operator() {
      return operator;
    }

    public List<String> admin() {
      return admin;
    }
  }
}
