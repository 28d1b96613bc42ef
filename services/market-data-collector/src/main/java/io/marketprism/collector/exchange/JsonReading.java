package io.marketprism.collector.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.collector.book.Decimals;
import java.io.IOException;

/**
 * Value readers shared by the exchange parsers, on Jackson's streaming {@link JsonParser} positioned at a
 * value token. Each turns a wrong value into a {@link FrameRejectedException} naming the field.
 */
public final class JsonReading {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private JsonReading() {}

  /**
   * A decimal given as a JSON string ("42219.9", Binance and OKX) or a JSON number (Deribit). Numbers keep
   * their literal text (Jackson's {@code getText()} on a number token is the literal as sent, so
   * "42219.90000001" stays exact); exponent literals such as {@code 1e-05} are expanded exactly with
   * {@code BigDecimal.toPlainString()}. Null and "" give "" ("not given").
   */
  public static String decimal(JsonParser p, String field) throws IOException, FrameRejectedException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return "";
    }
    if (token == JsonToken.VALUE_STRING) {
      // checked on the parser's own buffer, so the String is made only once the text is known to be good
      int length = p.getTextLength();
      if (length == 0) {
        return "";
      }
      char[] chars = p.getTextCharacters();
      int offset = p.getTextOffset();
      if (Decimals.isPlain(chars, offset, length)) {
        return new String(chars, offset, length);
      }
      throw new FrameRejectedException(RejectReason.BAD_DECIMAL,
          "field \"" + field + "\" is not a decimal: " + p.getText());
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      char[] chars = p.getTextCharacters();
      int offset = p.getTextOffset();
      int length = p.getTextLength();
      if (Decimals.isPlain(chars, offset, length)) {
        return new String(chars, offset, length);
      }
      String plain = Decimals.plainFromJsonNumber(p.getText());
      if (plain != null) {
        return plain;
      }
    }
    throw new FrameRejectedException(RejectReason.BAD_DECIMAL, "field \"" + field + "\" is not a decimal: " + token);
  }

  /** An integer given as a JSON number or a string of digits (OKX sends times as strings). */
  public static long integer(JsonParser p, String field) throws IOException, FrameRejectedException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (IOException e) {
        throw new FrameRejectedException(RejectReason.BAD_NUMBER, "field \"" + field + "\" is out of range");
      }
    }
    if (token == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new FrameRejectedException(RejectReason.BAD_NUMBER, "field \"" + field + "\" is not an integer: " + text);
      }
    }
    throw new FrameRejectedException(RejectReason.BAD_NUMBER, "field \"" + field + "\" is not an integer: " + token);
  }

  /**
   * As {@link #text}, for values that repeat from frame to frame (symbols, event types, channels, sides): a string
   * value read recently comes back from {@code recent} instead of being allocated again.
   */
  public static String repeatedText(JsonParser p, String field, RecentStrings recent)
      throws IOException, FrameRejectedException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return recent.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }
    return text(p, field);
  }

  /** Text of a string, or the literal of a number or boolean (ids are sometimes numbers). */
  public static String text(JsonParser p, String field) throws IOException, FrameRejectedException {
    JsonToken token = p.currentToken();
    if (token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "field \"" + field + "\" is not a scalar: " + token);
  }

  /** Milliseconds since the epoch scaled (not rounded) to nanoseconds; overflow is a reject. */
  public static long millisToNanos(long millis, String field) throws FrameRejectedException {
    try {
      return Math.multiplyExact(millis, NANOS_PER_MILLI);
    } catch (ArithmeticException e) {
      throw new FrameRejectedException(RejectReason.BAD_NUMBER, "field \"" + field + "\" is out of range: " + millis);
    }
  }

  /** Rejects the frame unless the parser is at {@code expected}. */
  public static void expect(JsonParser p, JsonToken expected, String what) throws FrameRejectedException {
    if (p.currentToken() != expected) {
      throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, what + " is not " + describe(expected));
    }
  }

  /** Rejects anything after the frame's top-level value. */
  public static void expectEnd(JsonParser p) throws IOException, FrameRejectedException {
    if (p.nextToken() != null) {
      throw new FrameRejectedException(RejectReason.MALFORMED_JSON, "text after the end of the JSON value");
    }
  }

  /** {@code value}, which must be present and non-empty. */
  public static String required(String value, String field) throws FrameRejectedException {
    if (value == null || value.isEmpty()) {
      throw missing(field);
    }
    return value;
  }

  /** The taker side from {@code "buy"} / {@code "sell"} (OKX {@code side}, Deribit {@code direction}). */
  public static Side lowerCaseSide(String text, String field) throws FrameRejectedException {
    if ("buy".equals(text)) {
      return Side.SIDE_BUY;
    }
    if ("sell".equals(text)) {
      return Side.SIDE_SELL;
    }
    if (text == null) {
      throw missing(field);
    }
    throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "unknown " + field + " \"" + text + "\"");
  }

  /** Rejects a missing required value. */
  public static FrameRejectedException missing(String field) {
    return new FrameRejectedException(RejectReason.MISSING_FIELD, "missing field \"" + field + "\"");
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      default:
        return token.toString();
    }
  }
}
