package io.marketprism.simulator.market;

/**
 * Writes scaled integers as exact decimal text ({@code 4221990} at scale 2 → {@code 42219.90}), the way exchanges put
 * prices and sizes on the wire. No {@code double} and no {@code BigDecimal} on the hot path.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Decimals {

  private Decimals() {}

  /**
   * Appends {@code units / 10^scale}.
   *
   * @param minScale digits always kept after the point ({@code scale} keeps every digit, {@code 0} strips trailing
   *     zeros and the point when nothing is left after it)
   */
  public static StringBuilder append(StringBuilder out, long units, int scale, int minScale) {
    if (units < 0) {
      out.append('-');
      units = -units;
    }
    if (scale == 0) {
      return out.append(units);
    }
    long pow = POW10[scale];
    long whole = units / pow;
    long fraction = units % pow;
    out.append(whole);
    int digits = scale;
    while (digits > minScale && fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    if (digits == 0) {
      return out;
    }
    out.append('.');
    String text = Long.toString(fraction);
    for (int pad = digits - text.length(); pad > 0; pad--) {
      out.append('0');
    }
    return out.append(text);
  }

  /** Appends {@code units / 10^scale} with exactly {@code digits} (>= scale) decimals, as Binance spot does. */
  public static StringBuilder appendPadded(StringBuilder out, long units, int scale, int digits) {
    append(out, units, scale, scale);
    if (digits > scale) {
      if (scale == 0) {
        out.append('.');
      }
      for (int i = scale; i < digits; i++) {
        out.append('0');
      }
    }
    return out;
  }

  /** {@link #append} into a new string. */
  public static String format(long units, int scale, int minScale) {
    return append(new StringBuilder(24), units, scale, minScale).toString();
  }

  /** 10^n for n in 0..18. */
  static long pow10(int n) {
    return POW10[n];
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }
}
