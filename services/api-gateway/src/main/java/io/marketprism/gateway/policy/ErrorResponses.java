package io.marketprism.gateway.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import io.grpc.Status;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Errors the edge answers itself, before any gRPC service runs: a gRPC caller gets a trailers-only gRPC response
 * ({@code grpc-status}, {@code grpc-message}); anyone else gets the HTTP status and a JSON {@code google.rpc.Status}
 * body ({@code {"code":16,"message":"...","details":[]}}), the shape grpc-gateway users know.
 */
final class ErrorResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  static boolean isGrpc(RequestHeaders headers) {
    MediaType type = headers.contentType();
    return type != null && type.subtype().startsWith("grpc");
  }

  /** The HTTP status grpc-gateway gives the gRPC codes the edge itself raises. */
  static HttpStatus httpStatusOf(Status.Code code) {
    return switch (code) {
      case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
      case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
      case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
      case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
      default -> HttpStatus.INTERNAL_SERVER_ERROR;
    };
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
    ObjectNode body = JSON.createObjectNode();
    body.put("code", code.value());
    body.put("message", message);
    body.putArray("details");
    com.linecorp.armeria.common.ResponseHeadersBuilder headers = ResponseHeaders.builder(httpStatus).contentType(MediaType.JSON_UTF_8);
    if (wwwAuthenticate != null) {
      headers.add(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
    }
    return HttpResponse.of(headers.build(), com.linecorp.armeria.common.HttpData.ofUtf8(body.toString()));
  }
}
