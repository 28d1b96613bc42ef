package io.marketprism.broker.validation;

import io.marketprism.kit.api.FieldViolations;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Name-ordered pages of a listing. The page token is the last name of the previous page, base64url-encoded: opaque
 * to callers, and stable when items are added or removed between pages. Stateless.
 */
public final class Paging {

  private static final int DEFAULT_PAGE_SIZE = 100;
  private static final int MAX_PAGE_SIZE = 1000;

  private Paging() {}

  /** One page: the items and the token for the next page (empty on the last). */
  public record Page<T>(List<T> items, String nextPageToken) {}

  /** Checks page size and token syntax. */
  public static void check(int pageSize, String pageToken, FieldViolations violations) {
    if (pageSize < 0) {
      violations.add("page_size", "must not be negative (was " + pageSize + ")");
    }
    if (!pageToken.isEmpty() && afterName(pageToken) == null) {
      violations.add("page_token", "is not a token from a previous response");
    }
  }

  /** The page of {@code sorted} (ordered by {@code name}) that follows {@code pageToken}. */
  public static <T> Page<T> page(List<T> sorted, Function<T, String> name, int pageSize, String pageToken) {
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    String after = pageToken.isEmpty() ? null : afterName(pageToken);
    List<T> rest = after == null ? sorted : sorted.stream().filter(t -> name.apply(t).compareTo(after) > 0).toList();
    if (rest.size() <= size) {
      return new Page<>(rest, "");
    }
    List<T> items = List.copyOf(rest.subList(0, size));
    String last = name.apply(items.get(items.size() - 1));
    return new Page<>(items, Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
  }

  private static String afterName(String token) {
    try {
      String name = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      return name.isEmpty() ? null : name;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
