package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;

/**
 * The server's own error pages (no such path, method not allowed, a body that is not JSON, too large, ...) in the
 * same JSON {@code google.rpc.Status} shape as every other error the gateway gives, instead of Armeria's plain text.
 */
public final class JsonStatusPages implements ServerErrorHandler {

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // Armeria's own handling, which then renders the status through renderStatus below
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    String message = description;
    if (message == null && cause != null) {
      // e.g. "Missing or invalid content-type in JSON request.": worth more to a caller than "Bad Request"
      Throwable root = cause.getCause() != null ? cause.getCause() : cause;
      message = root instanceof IllegalArgumentException ? root.getMessage() : null;
    }
    if (message == null) {
      message = status.reasonPhrase();
    }
    com.google.rpc.Status body =
        com.google.rpc.Status.newBuilder().setCode(grpcCodeOf(status).value()).setMessage(message).build();
    return AggregatedHttpResponse.of(
        ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8).build(),
        HttpData.ofUtf8(ErrorResponses.jsonBody(body)));
  }

  /** The gRPC code for an HTTP status, the inverse of {@link ErrorResponses#httpStatusOf} where one exists. */
  static Status.Code grpcCodeOf(HttpStatus status) {
    return switch (status.code()) {
      case 400, 411, 415 -> Status.Code.INVALID_ARGUMENT;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.NOT_FOUND;
      case 405, 501 -> Status.Code.UNIMPLEMENTED;
      case 408, 504 -> Status.Code.DEADLINE_EXCEEDED;
      case 409 -> Status.Code.ABORTED;
      case 413, 429, 431 -> Status.Code.RESOURCE_EXHAUSTED;
      case 499 -> Status.Code.CANCELLED;
      case 503 -> Status.Code.UNAVAILABLE;
      default -> status.code() >= 500 ? Status.Code.INTERNAL : Status.Code.UNKNOWN;
    };
  }
}
