package io.marketprism.gateway.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A request message that does not decode — JSON with a value of the wrong type, such as {@code "abc"} for an int64,
 * or bytes that are not the message — is the caller's mistake: {@code INVALID_ARGUMENT} saying what was wrong,
 * where Armeria would answer {@code UNKNOWN} (HTTP 500). Everything else keeps Armeria's mapping.
 */
final class RequestDecodingErrors implements GrpcExceptionHandlerFunction {

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException
          || t instanceof IllegalArgumentException
          || t.getClass().getName().startsWith("com.fasterxml.jackson.core.")) {
        return Status.INVALID_ARGUMENT
            .withDescription("the request message cannot be read: " + t.getMessage())
            .withCause(cause);
      }
    }
    return GrpcExceptionHandlerFunction.of().apply(ctx, status, cause, metadata);
  }
}
