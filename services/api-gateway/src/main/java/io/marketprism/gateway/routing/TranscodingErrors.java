package io.marketprism.gateway.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;
import io.grpc.Status;
import io.marketprism.gateway.policy.ErrorResponses;
import java.util.Base64;

/**
 * Errors of REST (transcoded) and unframed JSON calls: the conventional HTTP status and the call's
 * {@code google.rpc.Status} as JSON, details included — read from the gRPC trailers' {@code grpc-status-details-bin},
 * which the upstream service (or the edge) attached.
 */
final class TranscodingErrors implements UnframedGrpcErrorHandler {

  private static final String DETAILS = "grpc-status-details-bin";

  @Override
  public HttpResponse handle(ServiceRequestContext ctx, Status status, AggregatedHttpResponse response) {
    com.google.rpc.Status body = detailsOf(response.trailers());
    if (body == null) {
      body = detailsOf(response.headers());
    }
    if (body == null || body.getCode() != status.getCode().value()) {
      body =
          com.google.rpc.Status.newBuilder()
              .setCode(status.getCode().value())
              .setMessage(status.getDescription() == null ? status.getCode().name() : status.getDescription())
              .build();
    }
    return ErrorResponses.json(body, ResponseHeaders.builder());
  }

  private static com.google.rpc.Status detailsOf(HttpHeaders headers) {
    String encoded = headers.get(DETAILS);
    if (encoded == null) {
      return null;
    }
    try {
      return com.google.rpc.Status.parseFrom(Base64.getMimeDecoder().decode(encoded));
    } catch (InvalidProtocolBufferException | IllegalArgumentException unreadable) {
      return null;
    }
  }
}
