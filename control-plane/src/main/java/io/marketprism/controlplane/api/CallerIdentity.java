package io.marketprism.controlplane.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.marketprism.kit.mesh.MeshTls;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Puts the caller's mesh identity — the SPIFFE id in its client certificate's URI SAN — in the call's {@link Context},
 * for the registry's rule that a service may only register, renew and deregister its own instances. Plaintext calls
 * carry no identity (a control plane without {@code server-tls} trusts its callers). Stateless and thread-safe.
 */
public final class CallerIdentity implements ServerInterceptor {

  static final Context.Key<Optional<String>> SPIFFE_ID = Context.key("marketprism-caller-spiffe-id");
  static final String SERVICE_PREFIX = "spiffe://marketprism/service/";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(SPIFFE_ID, MeshTls.peerSpiffeId(session)), call, headers, next);
  }

  /** The service name the current caller's certificate names, if it presented one with a service identity. */
  static Optional<String> callerService() {
    Optional<String> id = SPIFFE_ID.get();
    return id == null ? Optional.empty() : id.filter(s -> s.startsWith(SERVICE_PREFIX)).map(s -> s.substring(SERVICE_PREFIX.length()));
  }

  /**
   * Whether the current call came over TLS, and is therefore subject to the identity rules — also when its
   * certificate names no SPIFFE id (such a caller may register nothing).
   */
  static boolean overTls() {
    return SPIFFE_ID.get() != null;
  }

}
