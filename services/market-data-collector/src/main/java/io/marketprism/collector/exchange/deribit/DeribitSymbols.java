package io.marketprism.collector.exchange.deribit;

import io.marketprism.collector.exchange.SymbolFormat;
import io.marketprism.collector.exchange.SymbolMapper;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.OptionType;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * Deribit instrument names: inverse "BTC-PERPETUAL" → "BTC-USD-PERP", linear "BTC_USDC-PERPETUAL" →
 * "BTC-USDC-PERP", futures "BTC-25DEC26" → "BTC-USD-20261225", options "BTC-25DEC26-100000-C" →
 * "BTC-USD-20261225-100000-C" and "XRP_USDC-25DEC26-0d625-P" → "XRP-USDC-20261225-0d625-P", spot
 * "BTC_USDC" → "BTC-USDC". A bare currency ("BTC") is an inverse contract quoted in USD and margined in
 * that currency. Combos and other shapes are unsupported. Immutable and thread-safe.
 */
public final class DeribitSymbols implements SymbolMapper {
  private static final DateTimeFormatter EXPIRY = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .appendPattern("dMMMuu")
      .toFormatter(Locale.ENGLISH)
      .withResolverStyle(ResolverStyle.STRICT);
  private static final String PERPETUAL = "PERPETUAL";
  private static final String INVERSE_QUOTE = "USD";

  @Override
  public Instrument fromNative(String nativeSymbol) {
    String[] parts = nativeSymbol.split("-", -1);
    String[] pair = parts[0].split("_", -1);
    if (pair.length > 2) {
      return null;
    }
    boolean inverse = pair.length == 1;
    String base = pair[0];
    String quote = inverse ? INVERSE_QUOTE : pair[1];
    if (!SymbolFormat.isCurrencyPair(base, quote)) {
      return null;
    }
    String settle = inverse ? base : quote;
    Instrument.Builder builder;
    try {
      if (parts.length == 1) {
        if (inverse) {
          return null; // a currency, not an instrument
        }
        builder = SymbolFormat.spot(base, quote);
      } else if (parts.length == 2 && parts[1].equals(PERPETUAL)) {
        builder = SymbolFormat.perpetual(base, quote, settle);
      } else if (parts.length == 2) {
        builder = SymbolFormat.future(base, quote, settle, LocalDate.parse(parts[1], EXPIRY));
      } else if (parts.length == 4 && (parts[3].equals("C") || parts[3].equals("P"))) {
        String strike = SymbolFormat.strikeOf(parts[2]);
        if (strike == null) {
          return null;
        }
        OptionType type = parts[3].equals("C") ? OptionType.OPTION_TYPE_CALL : OptionType.OPTION_TYPE_PUT;
        builder = SymbolFormat.option(base, quote, settle, LocalDate.parse(parts[1], EXPIRY), strike, type);
      } else {
        return null;
      }
    } catch (DateTimeParseException e) {
      return null;
    }
    return builder.setExchange(DeribitFeed.EXCHANGE).setNativeSymbol(nativeSymbol).build();
  }

  @Override
  public String toNative(String symbol) {
    String[] parts = SymbolFormat.segments(symbol);
    if (parts.length < 2) {
      return null;
    }
    String pair = parts[1].equals(INVERSE_QUOTE) ? parts[0] : parts[0] + "_" + parts[1];
    try {
      switch (parts.length) {
        case 2:
          return parts[1].equals(INVERSE_QUOTE) ? null : pair;
        case 3:
          return parts[2].equals(SymbolFormat.PERPETUAL) ? pair + "-" + PERPETUAL : pair + "-" + expiry(parts[2]);
        case 5:
          return pair + "-" + expiry(parts[2]) + "-" + parts[3] + "-" + parts[4];
        default:
          return null;
      }
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String expiry(String yyyymmdd) {
    return EXPIRY.format(LocalDate.parse(yyyymmdd, SymbolFormat.DATE)).toUpperCase(Locale.ROOT);
  }
}
