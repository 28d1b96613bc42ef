package io.marketprism.kit.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the field violations of one request and turns them into {@code INVALID_ARGUMENT} with a
 * {@code google.rpc.BadRequest} detail. Field paths are relative to the request ({@code config.subjects[1]}). Every
 * service's API validates with it, so clients see one shape of error everywhere. Not thread-safe: one instance per
 * request.
 */
public final class FieldViolations {

  private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

  /** Records that {@code field} is wrong because of {@code description}. */
  public void add(String field, String description) {
    violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
  }

  public boolean isEmpty() {
    return violations.isEmpty();
  }

  /** Throws {@code INVALID_ARGUMENT} naming every violation, if there is one. */
  public void throwIfAny() {
    if (!violations.isEmpty()) {
      throw toException();
    }
  }

  /** {@code INVALID_ARGUMENT} for a single bad field. */
  public static StatusRuntimeException single(String field, String description) {
    FieldViolations violations = new FieldViolations();
    violations.add(field, description);
    return violations.toException();
  }

  private StatusRuntimeException toException() {
    StringBuilder message = new StringBuilder("invalid request:");
    for (BadRequest.FieldViolation v : violations) {
      message.append(' ').append(v.getField()).append(": ").append(v.getDescription()).append(';');
    }
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(message.substring(0, message.length() - 1))
            .addDetails(Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()))
            .build());
  }
}
