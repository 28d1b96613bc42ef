package io.marketprism.observability;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.concurrent.atomic.AtomicReference;

/** Echoes the request; fails with INVALID_ARGUMENT for "fail"; remembers the span current in the handler. */
final class EchoService extends SimpleServiceGrpc.SimpleServiceImplBase {

  final AtomicReference<SpanContext> spanSeenByHandler = new AtomicReference<>();

  @Override
  public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
    spanSeenByHandler.set(Span.current().getSpanContext());
    if (request.getRequestMessage().equals("fail")) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("asked to fail").asRuntimeException());
      return;
    }
    responses.onNext(SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
    responses.onCompleted();
  }
}
