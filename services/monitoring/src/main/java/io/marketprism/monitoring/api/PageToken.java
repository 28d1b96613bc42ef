package io.marketprism.monitoring.api;

import io.marketprism.kit.api.FieldViolations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Page tokens: the position after the last item served, bound to the request's filters (a token is valid only with
 * the filters it was made for). Opaque to callers; base64url of {@code <filters hash>:<position>}.
 */
final class PageToken {

  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private PageToken() {}

  static String encode(int filters, String position) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((Integer.toHexString(filters) + ":" + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position a token names; "" for no token. */
  static String decode(String token, int filters) {
    if (token.isEmpty()) {
      return "";
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      if (colon > 0 && text.substring(0, colon).equals(Integer.toHexString(filters))) {
        return text.substring(colon + 1);
      }
    } catch (IllegalArgumentException notBase64) {
      // answered below
    }
    throw FieldViolations.single("page_token", "not a token of this request's filters; start again without one");
  }

  static int size(int requested, String field) {
    if (requested < 0) {
      throw FieldViolations.single(field, "must not be negative");
    }
    return requested == 0 ? DEFAULT_PAGE : Math.min(requested, MAX_PAGE);
  }
}
