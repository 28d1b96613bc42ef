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
 *
 * <p>The error is bounded: it carries its text three times (the status message, and the {@code BadRequest} detail
 * plus the message again inside the base64 status detail), and a gRPC client accepts 8 KiB of trailers by default —
 * past that it sees a bare {@code INTERNAL} instead of what was wrong. So each description is cut to
 * {@value #MAX_DESCRIPTION_CHARS} characters (a description that echoes a huge bad value), and violations past
 * {@value #MAX_LISTED_CHARS} characters in all (a batch of a thousand bad records) are summed up in one last entry.
 */
public final class FieldViolations {

  /** Characters of one description at most; the rest is replaced by a note of how long it was. */
  public static final int MAX_DESCRIPTION_CHARS = 300;

  /** Characters of field names and descriptions listed in one error at most. */
  public static final int MAX_LISTED_CHARS = 1500;

  private final List<BadRequest.FieldViolation> violations = new ArrayList<>();
  private int count;
  private int listedChars;
  private String firstUnlisted;

  /** Records that {@code field} is wrong because of {@code description}. */
  public void add(String field, String description) {
    count++;
    String bounded =
        description.length() <= MAX_DESCRIPTION_CHARS
            ? description
            : description.substring(0, MAX_DESCRIPTION_CHARS) + "... (" + description.length() + " characters)";
    int chars = field.length() + bounded.length();
    if (firstUnlisted == null && listedChars + chars <= MAX_LISTED_CHARS) {
      violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(bounded).build());
      listedChars += chars;
    } else if (firstUnlisted == null) {
      firstUnlisted = field;
    }
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Throws {@code INVALID_ARGUMENT} naming every violation, if there is one. */
  public void throwIfAny() {
    if (count > 0) {
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
    if (firstUnlisted != null) {
      violations.add(
          BadRequest.FieldViolation.newBuilder()
              .setField(firstUnlisted)
              .setDescription("and " + (count - violations.size()) + " more violations from here on, not listed")
              .build());
      firstUnlisted = null;
    }
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
