package io.marketprism.gateway.policy;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.gateway.EdgePolicies;
import io.marketprism.gateway.security.Caller;

/**
 * Admits each gRPC call the gateway serves (native, gRPC-Web or transcoded from REST) for the caller authentication
 * set: role and rate limits, through {@link EdgePolicies#admit}. Records the method for the cache, the log and metrics.
 */
final class AdmissionInterceptor implements ServerInterceptor {

  private final EdgePolicies policies;

  AdmissionInterceptor(EdgePolicies policies) {
    this.policies = policies;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    Caller caller = ctx == null ? null : ctx.attr(Caller.ATTRIBUTE);
    if (ctx != null) {
      ctx.setAttr(RequestAttributes.METHOD, method);
    }
    try {
      if (caller == null) {
        throw Status.UNAUTHENTICATED.withDescription("credentials required").asRuntimeException();
      }
      policies.admit(caller, method);
    } catch (StatusRuntimeException e) {
      Metadata trailers = e.getTrailers() != null ? e.getTrailers() : new Metadata();
      com.google.rpc.Status detailed = StatusProto.fromThrowable(e);
      call.close(e.getStatus(), detailed != null ? StatusProto.toStatusRuntimeException(detailed).getTrailers() : trailers);
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
