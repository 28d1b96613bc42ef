package io.marketprism.broker.api;

import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;

/** Reads the {@code BadRequest} field violations out of a failed call. */
final class Errors {

  private Errors() {}

  /** The fields named by the call's {@code BadRequest} detail (empty if it has none). */
  static List<String> violatedFields(StatusRuntimeException e) {
    return violations(e).stream().map(BadRequest.FieldViolation::getField).toList();
  }

  static List<BadRequest.FieldViolation> violations(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return List.of();
    }
    return status.getDetailsList().stream()
        .filter(any -> any.is(BadRequest.class))
        .flatMap(
            any -> {
              try {
                return any.unpack(BadRequest.class).getFieldViolationsList().stream();
              } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
              }
            })
        .toList();
  }
}
