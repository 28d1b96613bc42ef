package io.marketprism.storage.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects what is wrong with a request, then fails it as {@code INVALID_ARGUMENT} with a {@code google.rpc.BadRequest}
 * naming every bad field. Not thread-safe: one per request.
 */
final class FieldViolations {

  /** Normalized symbols: upper-case words joined by '-', e.g. {@code BTC-USDT-PERP}, {@code BTC-29DEC23-40000-C}. */
  private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]+(-[A-Z0-9]+)*");

  private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

  FieldViolations add(String field, String description) {
    violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
    return this;
  }

  FieldViolations exchange(String exchange, Set<String> known) {
    if (exchange.isEmpty()) {
      add("exchange", "required");
    } else if (!known.contains(exchange)) {
      add("exchange", "unknown exchange \"" + exchange + "\"; known: " + known.stream().sorted().toList());
    }
    return this;
  }

  FieldViolations symbol(String symbol) {
    if (symbol.isEmpty()) {
      add("symbol", "required");
    } else if (!SYMBOL.matcher(symbol).matches()) {
      add("symbol", "not a normalized symbol like BTC-USDT: \"" + symbol + "\"");
    }
    return this;
  }

  FieldViolations notNegative(String field, long value) {
    if (value < 0) {
      add(field, "must not be negative");
    }
    return this;
  }

  boolean isEmpty() {
    return violations.isEmpty();
  }

  /** Throws {@code INVALID_ARGUMENT} if anything was added. */
  void throwIfAny() {
    if (violations.isEmpty()) {
      return;
    }
    String summary = violations.size() == 1
        ? violations.get(0).getField() + ": " + violations.get(0).getDescription()
        : violations.size() + " invalid fields";
    throw invalid(summary, BadRequest.newBuilder().addAllFieldViolations(violations).build());
  }

  static StatusRuntimeException invalid(String message, BadRequest details) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.INVALID_ARGUMENT_VALUE)
        .setMessage(message)
        .addDetails(Any.pack(details))
        .build());
  }
}
