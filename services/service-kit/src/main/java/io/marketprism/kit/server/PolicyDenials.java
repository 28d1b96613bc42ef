package io.marketprism.kit.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.xds.XdsServerBuilder;
import io.marketprism.kit.mesh.MeshTls;
import java.lang.reflect.Field;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the mesh RBAC filter's bare {@code PERMISSION_DENIED "Access Denied"} (grpc-xds' {@code RbacFilter}) into who
 * was refused what, and by whose policy: {@code spiffe://marketprism/service/scheduler may not call
 * marketprism.storage.v1.StorageService/Archive (denied by the mesh policy of data-storage)}. The caller is the SPIFFE
 * id of its TLS client certificate, or "plaintext caller". Other statuses, and denials the service wrote itself, pass
 * unchanged. Stateless and thread-safe.
 *
 * <p>It must run outside the RBAC filter, which closes a refused call before any interceptor inside it starts:
 * {@link #buildWith} puts it there.
 */
public final class PolicyDenials implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(PolicyDenials.class);

  /** The description grpc-xds' RBAC filter gives every refusal (io.grpc.xds.RbacFilter, 1.85). */
  static final String RBAC_DESCRIPTION = "Access Denied";

  private final String service;

  /** @param service the name of the service whose mesh policy refuses the calls (the server's own name) */
  public PolicyDenials(String service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * Builds {@code xdsBuilder}'s server with this interceptor outermost, or, should a grpc-java upgrade break the way
   * it gets there, without it (refusals then say only "Access Denied"; a warning says why).
   *
   * <p>grpc-java runs the interceptor added last first. {@code XdsServerBuilder.build()} adds the xDS filters'
   * interceptor (RBAC) to its transport builder and builds the inner server from it at once, and the builder refuses
   * changes once built; it rebuilds that inner server from the same transport builder only after a listener is
   * withdrawn. So the interceptor is added to the transport builder after {@code build()}, and the first inner server
   * is rebuilt with it: one reflective write to {@code XdsServerWrapper.delegate}, before anything has started.
   * The control plane's {@code MutualTlsTest} checks the result through a real RBAC refusal over mTLS.
   */
  public static Server buildWith(XdsServerBuilder xdsBuilder, String service) {
    ServerBuilder<?> transport = xdsBuilder.transportBuilder();
    Server server = xdsBuilder.build();
    transport.intercept(new PolicyDenials(service));
    try {
      Field delegate = server.getClass().getDeclaredField("delegate");
      delegate.setAccessible(true);
      Server unstarted = (Server) delegate.get(server);
      delegate.set(server, transport.build());
      unstarted.shutdownNow(); // never started, but it holds the shared event loops' references
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("mesh policy refusals will say only \"{}\": cannot place the interceptor outside grpc-xds' RBAC filter"
          + " ({})", RBAC_DESCRIPTION, e.toString());
    }
    return server;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            super.close(isPolicyDenial(status) ? explain(status, call) : status, trailers);
          }
        },
        headers);
  }

  private static boolean isPolicyDenial(Status status) {
    return status.getCode() == Status.Code.PERMISSION_DENIED && RBAC_DESCRIPTION.equals(status.getDescription());
  }

  private Status explain(Status status, ServerCall<?, ?> call) {
    return status.withDescription(callerOf(call) + " may not call " + call.getMethodDescriptor().getFullMethodName()
        + " (denied by the mesh policy of " + service + ")");
  }

  /** The caller as the policy saw it: its certificate's SPIFFE id, or how it came without one. */
  static String callerOf(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return "plaintext caller";
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return MeshTls.spiffeId(leaf).orElse("TLS caller without a SPIFFE id");
      }
    } catch (SSLPeerUnverifiedException e) {
      // no client certificate: fall through
    }
    return "TLS caller without a client certificate";
  }
}
