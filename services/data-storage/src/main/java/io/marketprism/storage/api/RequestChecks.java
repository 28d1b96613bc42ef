package io.marketprism.storage.api;

import io.marketprism.kit.api.FieldViolations;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The storage API's checks of request fields (exchange, symbol, counts), collected into the kit's
 * {@link FieldViolations} so that a bad request fails as {@code INVALID_ARGUMENT} in the same shape as in every other
 * service. Not thread-safe: one per request.
 */
final class RequestChecks {

  /** Normalized symbols: upper-case words joined by '-', e.g. {@code BTC-USDT-PERP}, {@code BTC-29DEC23-40000-C}. */
  private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]+(-[A-Z0-9]+)*");

  private final FieldViolations violations = new FieldViolations();

  RequestChecks add(String field, String description) {
    violations.add(field, description);
    return this;
  }

  RequestChecks exchange(String exchange, Set<String> known) {
    if (exchange.isEmpty()) {
      add("exchange", "required");
    } else if (!known.contains(exchange)) {
      add("exchange", "unknown exchange \"" + exchange + "\"; known: " + known.stream().sorted().toList());
    }
    return this;
  }

  RequestChecks symbol(String symbol) {
    if (symbol.isEmpty()) {
      add("symbol", "required");
    } else if (!SYMBOL.matcher(symbol).matches()) {
      add("symbol", "not a normalized symbol like BTC-USDT: \"" + symbol + "\"");
    }
    return this;
  }

  RequestChecks notNegative(String field, long value) {
    if (value < 0) {
      add(field, "must not be negative");
    }
    return this;
  }

  boolean isEmpty() {
    return violations.isEmpty();
  }

  /** Throws {@code INVALID_ARGUMENT} naming every bad field, if there is one. */
  void throwIfAny() {
    violations.throwIfAny();
  }
}
