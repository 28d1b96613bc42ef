package io.marketprism.collector.api;

import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.marketdata.v1.DataType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque {@code page_token} of ListSubscriptions: the filters it was issued for and the last
 * subscription returned (the next page starts after it, so subscriptions added or removed meanwhile neither
 * repeat nor skip others). URL-safe base64 of {@code v1|filters|exchange|symbol|type}.
 */
final class PageToken {
  private static final String VERSION = "v1";

  private PageToken() {}

  static String issue(String filters, SubscriptionKey last) {
    String text = String.join("|", VERSION, filters, last.exchange(), last.symbol(),
        Integer.toString(last.type().getNumber()));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The last key of the previous page; empty for an empty token.
   *
   * @throws io.grpc.StatusRuntimeException {@code INVALID_ARGUMENT} for a malformed token or one issued for
   *     other filters
   */
  static Optional<SubscriptionKey> after(String token, String filters) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
    } catch (IllegalArgumentException e) {
      throw BadRequests.of("page_token", "malformed page token");
    }
    if (parts.length != 5 || !parts[0].equals(VERSION)) {
      throw BadRequests.of("page_token", "malformed page token");
    }
    if (!parts[1].equals(filters)) {
      throw BadRequests.of("page_token", "the page token was issued for different filters");
    }
    DataType type;
    try {
      type = DataType.forNumber(Integer.parseInt(parts[4]));
    } catch (NumberFormatException e) {
      type = null;
    }
    if (type == null) {
      throw BadRequests.of("page_token", "malformed page token");
    }
    return Optional.of(new SubscriptionKey(parts[2], parts[3], "", type));
  }
}
