package io.marketprism.config.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque page tokens: base64url of the request's scope (the fields a token is valid for) and the position to continue
 * after. A token made for another scope, or not made here, decodes to nothing. Stateless.
 */
final class PageTokens {

  // a control character never appears in names, keys or positions
  private static final char SEPARATOR = '\u001e';

  private PageTokens() {}

  static String encode(String scope, String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((scope + SEPARATOR + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position in {@code token}, if it was made for {@code scope}. */
  static Optional<String> decode(String token, String scope) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String prefix = scope + SEPARATOR;
      return text.startsWith(prefix) ? Optional.of(text.substring(prefix.length())) : Optional.empty();
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }
}
