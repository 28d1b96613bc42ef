package io.marketprism.scheduler.api;

import io.marketprism.kit.api.FieldViolations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The scheduler's page tokens: base64url of {@code <filters>|<last key returned>}, so a token only continues the
 * listing it came from. Stateless.
 */
final class Pages {

  private Pages() {}

  static String token(String filters, String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((filters + "|" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The last key of the previous page; "" for the first page; INVALID_ARGUMENT for a foreign token. */
  static String after(String token, String filters) {
    if (token.isEmpty()) {
      return "";
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw FieldViolations.single("page_token", "is not a token this API returned");
    }
    if (!text.startsWith(filters + "|")) {
      throw FieldViolations.single("page_token", "was returned for other filters");
    }
    return text.substring(filters.length() + 1);
  }

  /** The page size asked for, with the contract's default and cap. */
  static int size(int requested, int defaultSize) {
    if (requested < 0) {
      throw FieldViolations.single("page_size", "must not be negative");
    }
    return requested == 0 ? defaultSize : Math.min(requested, 1000);
  }
}
