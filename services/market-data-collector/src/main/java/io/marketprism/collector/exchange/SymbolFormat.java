package io.marketprism.collector.exchange;

import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import io.marketprism.marketdata.v1.OptionType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The normalized symbol format of {@code Instrument.symbol}, defined once: {@code BASE-QUOTE},
 * {@code BASE-QUOTE-PERP}, {@code BASE-QUOTE-YYYYMMDD}, {@code BASE-QUOTE-YYYYMMDD-STRIKE-C|P} with the
 * strike's decimal point written "d". Exchange mappers build instruments only through these methods.
 */
public final class SymbolFormat {
  /** Suffix of perpetual swaps. */
  public static final String PERPETUAL = "PERP";
  /** Upper-case letters and digits: the shape of BASE and QUOTE. */
  public static final Pattern CURRENCY = Pattern.compile("[A-Z0-9]{1,20}");
  /** Expiry date segment of futures and options. */
  public static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
  /** Deribit, OKX and Binance all expire dated contracts at 08:00 UTC. */
  private static final int EXPIRY_HOUR_UTC = 8;

  private SymbolFormat() {}

  /** A spot pair. */
  public static Instrument.Builder spot(String base, String quote) {
    return Instrument.newBuilder()
        .setType(InstrumentType.INSTRUMENT_TYPE_SPOT)
        .setBase(base)
        .setQuote(quote)
        .setSymbol(base + "-" + quote);
  }

  /** A perpetual swap settled in {@code settle}. */
  public static Instrument.Builder perpetual(String base, String quote, String settle) {
    return Instrument.newBuilder()
        .setType(InstrumentType.INSTRUMENT_TYPE_PERPETUAL)
        .setBase(base)
        .setQuote(quote)
        .setSettle(settle)
        .setSymbol(base + "-" + quote + "-" + PERPETUAL);
  }

  /** A dated future expiring on {@code expiry} (UTC). */
  public static Instrument.Builder future(String base, String quote, String settle, LocalDate expiry) {
    return Instrument.newBuilder()
        .setType(InstrumentType.INSTRUMENT_TYPE_FUTURE)
        .setBase(base)
        .setQuote(quote)
        .setSettle(settle)
        .setExpiryTimeNs(expiryNanos(expiry))
        .setSymbol(base + "-" + quote + "-" + DATE.format(expiry));
  }

  /**
   * A European option.
   *
   * @param strike the strike as a plain decimal ("100000", "0.625")
   */
  public static Instrument.Builder option(
      String base, String quote, String settle, LocalDate expiry, String strike, OptionType type) {
    String plainStrike = new BigDecimal(strike).stripTrailingZeros().toPlainString();
    return Instrument.newBuilder()
        .setType(InstrumentType.INSTRUMENT_TYPE_OPTION)
        .setBase(base)
        .setQuote(quote)
        .setSettle(settle)
        .setExpiryTimeNs(expiryNanos(expiry))
        .setStrike(plainStrike)
        .setOptionType(type)
        .setSymbol(base + "-" + quote + "-" + DATE.format(expiry) + "-" + plainStrike.replace('.', 'd')
            + "-" + (type == OptionType.OPTION_TYPE_CALL ? "C" : "P"));
  }

  /** True when both are currency codes. */
  public static boolean isCurrencyPair(String base, String quote) {
    return CURRENCY.matcher(base).matches() && CURRENCY.matcher(quote).matches();
  }

  /** Splits a normalized symbol into its segments. */
  public static String[] segments(String symbol) {
    return symbol.split("-", -1);
  }

  /** The strike of a normalized option symbol segment ("0d625" → "0.625"), or null when malformed. */
  public static String strikeOf(String segment) {
    String text = segment.replace('d', '.');
    try {
      return new BigDecimal(text).toPlainString();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long expiryNanos(LocalDate expiry) {
    return expiry.atTime(EXPIRY_HOUR_UTC, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
  }
}
