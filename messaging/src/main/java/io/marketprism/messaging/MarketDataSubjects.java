package io.marketprism.messaging;

import io.marketprism.marketdata.v1.DataType;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Market-data subjects, {@code md.<type>.<exchange>.<symbol>} (e.g. {@code md.trade.binance.BTC-USDT}), defined once
 * for publishers and consumers. The type token is the {@link DataType} name lower-cased without {@code DATA_TYPE_}.
 */
public final class MarketDataSubjects {

  /** Everything market data: the {@code MARKET_DATA} stream's subject. */
  public static final String ALL = "md.>";

  /** Exchange names and symbols must be single subject tokens without wildcards. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]+");

  private static final String PREFIX = "DATA_TYPE_";

  /** Type token → type, for parsing without exceptions on the consume path. */
  private static final Map<String, Optional<DataType>> TYPES_BY_TOKEN = typesByToken();

  private MarketDataSubjects() {}

  /** A parsed market-data subject. */
  public record Subject(DataType type, String exchange, String symbol) {}

  /** {@code md.trade.binance.BTC-USDT}. */
  public static String subject(DataType type, String exchange, String symbol) {
    return "md." + typeToken(type) + "." + requireToken("exchange", exchange) + "." + requireToken("symbol", symbol);
  }

  /** Subject filter for one type; {@code null} exchange or symbol means every one ({@code *}). */
  public static String filter(DataType type, String exchange, String symbol) {
    return "md." + (type == null ? "*" : typeToken(type)) + "." + (exchange == null ? "*" : exchange) + "."
        + (symbol == null ? "*" : symbol);
  }

  /** {@code trade} for {@link DataType#DATA_TYPE_TRADE}. */
  public static String typeToken(DataType type) {
    if (type == null || type == DataType.DATA_TYPE_UNSPECIFIED || type == DataType.UNRECOGNIZED) {
      throw new IllegalArgumentException("not a market data type: " + type);
    }
    return type.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
  }

  /** The type a token names, if any: {@code book_delta} → {@link DataType#DATA_TYPE_BOOK_DELTA}. */
  public static Optional<DataType> typeOf(String token) {
    if (!TOKEN.matcher(token).matches()) {
      return Optional.empty();
    }
    try {
      DataType type = DataType.valueOf(PREFIX + token.toUpperCase(Locale.ROOT));
      return type == DataType.DATA_TYPE_UNSPECIFIED ? Optional.empty() : Optional.of(type);
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }

  /**
   * Parses {@code md.<type>.<exchange>.<symbol>}; empty for anything else. Called for every consumed message, so it
   * scans the subject once instead of splitting and matching patterns.
   */
  public static Optional<Subject> parse(String subject) {
    if (!subject.startsWith("md.")) {
      return Optional.empty();
    }
    int typeEnd = subject.indexOf('.', 3);
    int exchangeEnd = typeEnd < 0 ? -1 : subject.indexOf('.', typeEnd + 1);
    if (exchangeEnd < 0 || subject.indexOf('.', exchangeEnd + 1) >= 0) {
      return Optional.empty();
    }
    String exchange = subject.substring(typeEnd + 1, exchangeEnd);
    String symbol = subject.substring(exchangeEnd + 1);
    if (!isToken(exchange) || !isToken(symbol)) {
      return Optional.empty();
    }
    Optional<DataType> type = TYPES_BY_TOKEN.get(subject.substring(3, typeEnd));
    return type == null ? Optional.empty() : type.map(t -> new Subject(t, exchange, symbol));
  }

  private static Map<String, Optional<DataType>> typesByToken() {
    Map<String, Optional<DataType>> types = new HashMap<>();
    for (DataType type : DataType.values()) {
      if (type != DataType.DATA_TYPE_UNSPECIFIED && type != DataType.UNRECOGNIZED) {
        types.put(typeToken(type), Optional.of(type));
      }
    }
    return Map.copyOf(types);
  }

  private static boolean isToken(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String requireToken(String what, String value) {
    if (value == null || !TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be one subject token (letters, digits, '-', '_'): " + value);
    }
    return value;
  }
}
