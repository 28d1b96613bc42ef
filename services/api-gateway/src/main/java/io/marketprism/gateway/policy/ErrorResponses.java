package io.marketprism.gateway.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.DebugInfo;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Help;
import com.google.rpc.LocalizedMessage;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RequestInfo;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import io.grpc.Status;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Error answers in the shapes gRPC and grpc-gateway users know. A gRPC caller gets a trailers-only gRPC response
 * ({@code grpc-status}, {@code grpc-message}); anyone else gets the conventional HTTP status and a JSON
 * {@code google.rpc.Status} body, details included: {@code {"code":3,"message":"...","details":[{"@type":
 * "type.googleapis.com/google.rpc.BadRequest","fieldViolations":[...]}]}}. Used for the errors the edge raises itself
 * and for upstream errors of transcoded REST calls, so both read the same.
 */
public final class ErrorResponses {

  /** Every detail type of {@code google/rpc/error_details.proto}: the ones our services and the edge attach. */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .includingDefaultValueFields() // "details": [] even when there are none, as grpc-gateway writes it
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(BadRequest.getDescriptor())
                  .add(RetryInfo.getDescriptor())
                  .add(QuotaFailure.getDescriptor())
                  .add(ErrorInfo.getDescriptor())
                  .add(PreconditionFailure.getDescriptor())
                  .add(ResourceInfo.getDescriptor())
                  .add(RequestInfo.getDescriptor())
                  .add(DebugInfo.getDescriptor())
                  .add(Help.getDescriptor())
                  .add(LocalizedMessage.getDescriptor())
                  .build());

  private ErrorResponses() {}

  static boolean isGrpc(RequestHeaders headers) {
    MediaType type = headers.contentType();
    return type != null && type.subtype().startsWith("grpc");
  }

  /** The HTTP status grpc-gateway (and Google's API design guide) gives each gRPC code. */
  public static HttpStatus httpStatusOf(Status.Code code) {
    return switch (code) {
      case OK -> HttpStatus.OK;
      case CANCELLED -> HttpStatus.valueOf(499);
      case UNKNOWN, INTERNAL, DATA_LOSS -> HttpStatus.INTERNAL_SERVER_ERROR;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
      case DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case ALREADY_EXISTS, ABORTED -> HttpStatus.CONFLICT;
      case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
      case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
      case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
      case UNIMPLEMENTED -> HttpStatus.NOT_IMPLEMENTED;
      case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
    };
  }

  /** The JSON {@code google.rpc.Status} body of {@code status}, its details printed with their {@code @type}. */
  public static String jsonBody(com.google.rpc.Status status) {
    try {
      return PRINTER.print(status);
    } catch (InvalidProtocolBufferException unknownDetail) {
      // a detail type outside error_details.proto: the code and message still reach the caller
      try {
        return PRINTER.print(status.toBuilder().clearDetails().build());
      } catch (InvalidProtocolBufferException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  /** A JSON error answer with the status {@link #httpStatusOf} gives {@code status}'s code. */
  public static HttpResponse json(com.google.rpc.Status status, ResponseHeadersBuilder headers) {
    headers.status(httpStatusOf(Status.fromCodeValue(status.getCode()).getCode())).contentType(MediaType.JSON_UTF_8);
    return HttpResponse.of(headers.build(), HttpData.ofUtf8(jsonBody(status)));
  }

  static HttpResponse of(RequestHeaders request, Status.Code code, HttpStatus httpStatus, String message, String wwwAuthenticate) {
    if (isGrpc(request)) {
      ResponseHeaders headers =
          ResponseHeaders.builder(HttpStatus.OK)
              .contentType(request.contentType())
              .add("grpc-status", Integer.toString(code.value()))
              .add("grpc-message", URLEncoder.encode(message, StandardCharsets.UTF_8).replace("+", "%20"))
              .build();
      if (wwwAuthenticate != null) {
        headers = headers.toBuilder().add(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate).build();
      }
      return HttpResponse.of(headers);
    }
    com.google.rpc.Status body = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
    ResponseHeadersBuilder headers = ResponseHeaders.builder(httpStatus).contentType(MediaType.JSON_UTF_8);
    if (wwwAuthenticate != null) {
      headers.add(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
    }
    return HttpResponse.of(headers.build(), HttpData.ofUtf8(jsonBody(body)));
  }
}
