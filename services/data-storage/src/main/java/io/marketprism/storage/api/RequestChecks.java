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

  /** Longest symbol accepted; no exchange lists longer ones. */
  static final int MAX_SYMBOL_LENGTH = 64;

  /** Records a violation; the kit's {@link FieldViolations} keeps the error within a client's trailer size. */
  RequestChecks add(String field, String description) {
    violations.add(field, description);
    return this;
  }

  RequestChecks exchange(String exchange, Set<String> known) {
    return exchange("exchange", exchange, known);
  }

  /** Checks that {@code field} holds one of the {@code known} exchanges. */
  RequestChecks exchange(String field, String exchange, Set<String> known) {
    if (exchange.isEmpty()) {
      add(field, "required");
    } else if (!known.contains(exchange)) {
      add(field, "unknown exchange \"" + shorten(exchange) + "\"; known: " + known.stream().sorted().toList());
    }
    return this;
  }

  RequestChecks symbol(String symbol) {
    return symbol("symbol", symbol);
  }

  /** Checks that {@code field} holds a normalized symbol. */
  RequestChecks symbol(String field, String symbol) {
    if (symbol.isEmpty()) {
      add(field, "required");
    } else if (symbol.length() > MAX_SYMBOL_LENGTH || !SYMBOL.matcher(symbol).matches()) {
      add(field, "not a normalized symbol like BTC-USDT (at most " + MAX_SYMBOL_LENGTH + " characters): \""
          + shorten(symbol) + "\"");
    }
    return this;
  }

  /** {@code text} cut to a length that an error message can quote. */
  static String shorten(String text) {
    return text.length() <= MAX_SYMBOL_LENGTH ? text : text.substring(0, MAX_SYMBOL_LENGTH) + "…";
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
