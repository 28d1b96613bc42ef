package io.marketprism.controlplane.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the caller's mesh identity — the SPIFFE id in its client certificate's URI SAN — in the call's {@link Context},
 * for the registry's rule that a service may only register and renew its own instances. Plaintext calls carry no
 * identity (a local control plane without TLS trusts its callers). Stateless and thread-safe.
 */
public final class CallerIdentity implements ServerInterceptor {

  static final Context.Key<Optional<String>> SPIFFE_ID = Context.key("marketprism-caller-spiffe-id");
  static final String SERVICE_PREFIX = "spiffe://marketprism/service/";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Optional<String> id = session == null ? Optional.empty() : spiffeId(session);
    return Contexts.interceptCall(Context.current().withValue(SPIFFE_ID, id), call, headers, next);
  }

  /** The service name the current caller's certificate names, if it presented one with a service identity. */
  static Optional<String> callerService() {
    Optional<String> id = SPIFFE_ID.get();
    return id == null ? Optional.empty() : id.filter(s -> s.startsWith(SERVICE_PREFIX)).map(s -> s.substring(SERVICE_PREFIX.length()));
  }

  /** Whether the current call came over TLS with a client certificate. */
  static boolean authenticated() {
    Optional<String> id = SPIFFE_ID.get();
    return id != null && id.isPresent();
  }

  private static Optional<String> spiffeId(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      for (List<?> name : names) {
        if (Integer.valueOf(6).equals(name.get(0)) && name.get(1) instanceof String uri && uri.startsWith("spiffe://")) {
          return Optional.of(uri);
        }
      }
      return Optional.empty();
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      return Optional.empty();
    }
  }
}
