package io.marketprism.collector.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the field violations of one request and turns them into {@code INVALID_ARGUMENT} with a
 * {@code google.rpc.BadRequest} detail naming every field at fault. Not thread-safe (one per request).
 */
final class BadRequests {
  private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

  void add(String field, String description) {
    violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
  }

  boolean isEmpty() {
    return violations.isEmpty();
  }

  /** Throws {@code INVALID_ARGUMENT} naming every violation, if there is one. */
  void throwIfAny() {
    if (violations.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder("invalid request:");
    for (BadRequest.FieldViolation violation : violations) {
      message.append(' ').append(violation.getField()).append(": ").append(violation.getDescription()).append(';');
    }
    throw StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(message.substring(0, message.length() - 1))
        .addDetails(Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()))
        .build());
  }

  /** {@code INVALID_ARGUMENT} for one field. */
  static StatusRuntimeException of(String field, String description) {
    BadRequests bad = new BadRequests();
    bad.add(field, description);
    try {
      bad.throwIfAny();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("unreachable");
  }
}
