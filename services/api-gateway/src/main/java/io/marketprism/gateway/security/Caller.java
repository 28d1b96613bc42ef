package io.marketprism.gateway.security;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Who made the request the gateway is serving: set on the request context by authentication, read by authorization,
 * rate limits, the response cache, the access log and the upstream call (which passes it on in metadata).
 *
 * @param subject the token's {@code sub} or the API key's id
 * @param role what the caller may do
 * @param credential how the caller proved it: {@code "jwt"} or {@code "api-key"}
 */
public record Caller(String subject, Role role, String credential) {

  /** The request-context attribute that holds the authenticated caller. */
  public static final AttributeKey<Caller> ATTRIBUTE = AttributeKey.valueOf(Caller.class, "CALLER");

  /** The metadata key the gateway passes the caller upstream in: {@code <subject>;role=<role>}. */
  public static final String METADATA_KEY = "x-marketprism-caller";

  /** {@link #METADATA_KEY} as gRPC metadata. */
  public static final io.grpc.Metadata.Key<String> GRPC_METADATA_KEY =
      io.grpc.Metadata.Key.of(METADATA_KEY, io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  public Caller {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(credential, "credential");
  }

  /** The caller of the request being served on this thread, if authentication set one. */
  public static Optional<Caller> current() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    return ctx == null ? Optional.empty() : Optional.ofNullable(ctx.attr(ATTRIBUTE));
  }

  /** The value sent upstream under {@link #METADATA_KEY}. */
  public String metadataValue() {
    return subject + ";role=" + role.name().toLowerCase(java.util.Locale.ROOT);
  }
}
