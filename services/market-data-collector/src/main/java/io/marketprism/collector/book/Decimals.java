package io.marketprism.collector.book;

import java.math.BigDecimal;

/**
 * The decimal text rules of {@code market_data.proto}: plain notation, optional leading "-", digits, an
 * optional "." followed by digits; no exponent, no "+". Checks are character scans, so the hot path
 * allocates nothing to validate.
 */
public final class Decimals {
  private Decimals() {}

  /** True when {@code text} is a plain decimal as the contract defines it. */
  public static boolean isPlain(CharSequence text) {
    int n = text.length();
    int i = 0;
    if (i < n && text.charAt(i) == '-') {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(text.charAt(i))) {
      i++;
      digits++;
    }
    if (digits == 0) {
      return false;
    }
    if (i == n) {
      return true;
    }
    if (text.charAt(i) != '.') {
      return false;
    }
    i++;
    int fraction = 0;
    while (i < n && isDigit(text.charAt(i))) {
      i++;
      fraction++;
    }
    return fraction > 0 && i == n;
  }

  /** As {@link #isPlain(CharSequence)}, for {@code chars[offset, offset + length)} (a parser's buffer). */
  public static boolean isPlain(char[] chars, int offset, int length) {
    int end = offset + length;
    int i = offset;
    if (i < end && chars[i] == '-') {
      i++;
    }
    int integerStart = i;
    while (i < end && isDigit(chars[i])) {
      i++;
    }
    if (i == integerStart) {
      return false;
    }
    if (i == end) {
      return true;
    }
    if (chars[i] != '.') {
      return false;
    }
    int fractionStart = ++i;
    while (i < end && isDigit(chars[i])) {
      i++;
    }
    return i > fractionStart && i == end;
  }

  /**
   * Turns a JSON number literal into a plain decimal: unchanged when it already is one ("8950.0" keeps its
   * trailing zero); an exponent form ("1e-05", "2.5E+3") is expanded exactly by {@link BigDecimal}
   * ("0.00001", "2500"). Returns null when the literal is not a number.
   */
  public static String plainFromJsonNumber(String literal) {
    if (isPlain(literal)) {
      return literal;
    }
    try {
      return new BigDecimal(literal).toPlainString();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** True when a plain decimal is zero in any spelling ("0", "0.000", "-0"). */
  public static boolean isZero(CharSequence plain) {
    for (int i = 0; i < plain.length(); i++) {
      char c = plain.charAt(i);
      if (c != '0' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * Orders plain decimals by value without parsing them: "100" equals "100.0", "9.5" is below "10". Used
   * as the book's price order, so a level update costs no {@link BigDecimal} allocation. Both arguments
   * must be plain ({@link #isPlain}).
   */
  public static int compare(String a, String b) {
    boolean negativeA = a.charAt(0) == '-';
    boolean negativeB = b.charAt(0) == '-';
    if (!negativeA && !negativeB && a.length() == b.length() && a.indexOf('.') == b.indexOf('.')) {
      // The common case in one book (an exchange writes its prices with a fixed number of decimals): digit
      // strings of the same shape order by value exactly as they order by text, so the JDK's vectorized
      // comparison does it.
      return a.compareTo(b);
    }
    if (negativeA != negativeB) {
      if (isZero(a) && isZero(b)) {
        return 0; // "-0" and "0"
      }
      return negativeA ? -1 : 1;
    }
    int magnitude = compareMagnitude(a, negativeA ? 1 : 0, b, negativeB ? 1 : 0);
    return negativeA ? -magnitude : magnitude;
  }

  private static int compareMagnitude(String a, int startA, String b, int startB) {
    int endA = integerEnd(a, startA);
    int endB = integerEnd(b, startB);
    while (startA < endA && a.charAt(startA) == '0') {
      startA++;
    }
    while (startB < endB && b.charAt(startB) == '0') {
      startB++;
    }
    int lengthA = endA - startA;
    int lengthB = endB - startB;
    if (lengthA != lengthB) {
      return lengthA < lengthB ? -1 : 1;
    }
    for (int i = 0; i < lengthA; i++) {
      char da = a.charAt(startA + i);
      char db = b.charAt(startB + i);
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    // Fractions: compare digit by digit, the shorter one padded with zeros.
    int fractionA = endA + 1;
    int fractionB = endB + 1;
    int longest = Math.max(a.length() - fractionA, b.length() - fractionB);
    for (int i = 0; i < longest; i++) {
      char da = fractionA + i < a.length() ? a.charAt(fractionA + i) : '0';
      char db = fractionB + i < b.length() ? b.charAt(fractionB + i) : '0';
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    return 0;
  }

  private static int integerEnd(String text, int from) {
    int dot = text.indexOf('.', from);
    return dot < 0 ? text.length() : dot;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
