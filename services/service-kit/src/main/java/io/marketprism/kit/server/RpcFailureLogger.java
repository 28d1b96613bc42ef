package io.marketprism.kit.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every RPC the server ends with a non-OK status: at WARN for codes that mean the server failed
 * ({@code UNKNOWN}, {@code INTERNAL}, {@code UNAVAILABLE}, {@code DATA_LOSS}, {@code DEADLINE_EXCEEDED},
 * {@code UNIMPLEMENTED}), at DEBUG for codes that describe the caller's request, which are the caller's business.
 *
 * <p>It runs inside the tracing interceptor, so the lines carry the call's trace id. Stateless and thread-safe.
 */
public final class RpcFailureLogger implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(RpcFailureLogger.class);

  private static final Set<Status.Code> SERVER_FAULTS =
      Set.of(
          Status.Code.UNKNOWN,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (!status.isOk()) {
              boolean serverFault = SERVER_FAULTS.contains(status.getCode());
              (serverFault ? log.atWarn() : log.atDebug())
                  .addKeyValue("rpc_method", method)
                  .addKeyValue("grpc_code", status.getCode())
                  .setCause(status.getCause())
                  .log("rpc {} failed: {} {}", method, status.getCode(), nullToEmpty(status.getDescription()));
            }
            super.close(status, trailers);
          }
        },
        headers);
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
