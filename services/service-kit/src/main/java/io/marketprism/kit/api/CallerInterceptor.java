package io.marketprism.kit.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.marketprism.kit.mesh.MeshTls;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSession;

/**
 * Puts the {@link Caller} of each call in its {@link Context}. A TLS peer is the SPIFFE id of its client certificate;
 * a plaintext peer (no mesh, or a test) is the configured plaintext identity. When that identity is the api-gateway,
 * the end user it forwards in {@code x-marketprism-caller: <subject>;role=<role>} is the caller instead: the gateway
 * authenticated them, and no one else is trusted to name a user. Stateless and thread-safe.
 */
public final class CallerInterceptor implements ServerInterceptor {

  /** The metadata the api-gateway forwards its user in. */
  public static final Metadata.Key<String> FORWARDED_CALLER =
      Metadata.Key.of("x-marketprism-caller", Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<Caller> CALLER = Context.key("marketprism-caller");
  private static final Set<String> ROLES = Set.of("reader", "operator", "admin");

  private final String gatewayIdentity;
  private final String plaintextIdentity;

  /**
   * @param gatewayIdentity the SPIFFE id whose forwarded users are believed
   * @param plaintextIdentity the identity of callers without a client certificate
   */
  public CallerInterceptor(String gatewayIdentity, String plaintextIdentity) {
    this.gatewayIdentity = gatewayIdentity;
    this.plaintextIdentity = plaintextIdentity;
  }

  /** The caller of the current call. */
  public static Caller current() {
    Caller caller = CALLER.get();
    if (caller == null) {
      throw new IllegalStateException("the call did not pass CallerInterceptor");
    }
    return caller;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    String peer = session == null ? plaintextIdentity : MeshTls.peerSpiffeId(session).orElse("unidentified TLS peer");
    Caller caller = Caller.service(peer);
    String forwarded = headers.get(FORWARDED_CALLER);
    if (forwarded != null && peer.equals(gatewayIdentity)) {
      Optional<Caller> user = user(forwarded, peer);
      if (user.isEmpty()) {
        call.close(
            Status.UNAUTHENTICATED.withDescription(
                "x-marketprism-caller must be <subject>;role=<reader|operator|admin>"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      caller = user.get();
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  static Optional<Caller> user(String forwarded, String gateway) {
    int separator = forwarded.lastIndexOf(";role=");
    if (separator <= 0) {
      return Optional.empty();
    }
    String role = forwarded.substring(separator + ";role=".length());
    return ROLES.contains(role)
        ? Optional.of(Caller.user(forwarded.substring(0, separator), role, gateway))
        : Optional.empty();
  }

}
