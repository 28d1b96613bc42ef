package io.marketprism.collector.exchange;

/**
 * The short strings a feed reads in nearly every frame — symbols, event types, channels, sides — kept so that
 * reading one again allocates nothing and keeps its cached hash (the instrument lookup hashes the symbol). A small
 * direct-mapped table by hash of the characters: a miss costs one comparison and the allocation the parser would
 * have made anyway. Strings that change every frame (ids, prices) do not belong here. Confined to the feed's thread,
 * like the feed.
 */
public final class RecentStrings {
  /** Longer values are created as usual: they are not the repeating kind. */
  static final int MAX_LENGTH = 32;
  private static final int SLOTS = 64; // a power of two

  private final String[] slots = new String[SLOTS];

  /** The string of {@code chars[offset, offset + length)}: the one read before if it was read recently. */
  public String of(char[] chars, int offset, int length) {
    if (length > MAX_LENGTH) {
      return new String(chars, offset, length);
    }
    int hash = 0;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + chars[i];
    }
    int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    String cached = slots[slot];
    if (cached != null && sameChars(cached, chars, offset, length)) {
      return cached;
    }
    String created = new String(chars, offset, length);
    slots[slot] = created;
    return created;
  }

  private static boolean sameChars(String cached, char[] chars, int offset, int length) {
    if (cached.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (cached.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }
}
