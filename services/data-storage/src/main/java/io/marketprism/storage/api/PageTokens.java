package io.marketprism.storage.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Opaque page and resume tokens: base64url of the request fields a token is valid for, followed by the position to
 * continue after. Decoding checks that the token was made for the same request. Stateless and thread-safe.
 */
final class PageTokens {

  private static final String SEPARATOR = "\u001f";

  private PageTokens() {}

  /** A token binding {@code scope} (the request's identity) to {@code position}. */
  static String encode(List<String> scope, List<String> position) {
    String joined = String.join(SEPARATOR, scope) + SEPARATOR + SEPARATOR + String.join(SEPARATOR, position);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position in {@code token} if it was made for {@code scope} and has {@code positionSize} parts; empty for a
   * token that is malformed or belongs to another request.
   */
  static Optional<List<String>> decode(String token, List<String> scope, int positionSize) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    String prefix = String.join(SEPARATOR, scope) + SEPARATOR + SEPARATOR;
    if (!text.startsWith(prefix)) {
      return Optional.empty();
    }
    List<String> position = Arrays.asList(text.substring(prefix.length()).split(SEPARATOR, -1));
    return position.size() == positionSize ? Optional.of(position) : Optional.empty();
  }

  /** A long from a token part, or empty. */
  static Optional<Long> parseLong(String text) {
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
