package io.marketprism.monitoring.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.marketprism.kit.mesh.MeshTls;
import javax.net.ssl.SSLSession;

/**
 * Who calls, for a silence's {@code created_by}: the SPIFFE id of a mesh caller's certificate; for the api-gateway,
 * the user it authenticated and forwards in {@code x-marketprism-caller} ({@code <subject>;role=<role>}); without TLS
 * {@code anonymous}, since a plaintext caller can claim to be anyone. Stateless and thread-safe.
 */
final class Callers implements ServerInterceptor {

  static final String GATEWAY = "spiffe://marketprism/service/api-gateway";
  private static final Metadata.Key<String> FORWARDED =
      Metadata.Key.of("x-marketprism-caller", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALLER = Context.keyWithDefault("marketprism-monitoring-caller", "anonymous");

  static String current() {
    return CALLER.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    String caller = session == null ? "anonymous" : MeshTls.peerSpiffeId(session).orElse("unidentified TLS peer");
    String forwarded = headers.get(FORWARDED);
    if (caller.equals(GATEWAY) && forwarded != null && forwarded.contains(";role=")) {
      caller = forwarded.substring(0, forwarded.lastIndexOf(";role="));
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }
}
