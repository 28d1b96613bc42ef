package io.marketprism.collector.api;

import io.marketprism.kit.api.FieldViolations;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The opaque {@code page_token} of the list calls: the filters it was issued for and the position of the last item
 * returned (the next page starts after it, so items added or removed meanwhile neither repeat nor skip others).
 * URL-safe base64 of {@code v1|filters|position…}; a position field never holds "|" (symbols, exchange names and
 * numbers do not).
 */
final class PageToken {
  private static final String VERSION = "v1";

  private PageToken() {}

  /** A token for the page after the item at {@code position}. */
  static String issue(String filters, String... position) {
    String text = VERSION + "|" + filters + "|" + String.join("|", position);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position ({@code fields} values) of the previous page's last item; empty for an empty token.
   *
   * @throws io.grpc.StatusRuntimeException {@code INVALID_ARGUMENT} for a malformed token or one issued for other
   *     filters
   */
  static Optional<List<String>> position(String token, String filters, int fields) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    int filterFields = filters.split("\\|", -1).length;
    if (parts.length != 1 + filterFields + fields || !parts[0].equals(VERSION)) {
      throw malformed();
    }
    if (!String.join("|", Arrays.copyOfRange(parts, 1, 1 + filterFields)).equals(filters)) {
      throw FieldViolations.single("page_token", "the page token was issued for different filters");
    }
    return Optional.of(List.of(Arrays.copyOfRange(parts, 1 + filterFields, parts.length)));
  }

  static io.grpc.StatusRuntimeException malformed() {
    return FieldViolations.single("page_token", "malformed page token");
  }
}
