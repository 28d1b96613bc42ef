package io.marketprism.collector.exchange.okx;

import io.marketprism.collector.exchange.SymbolFormat;
import io.marketprism.collector.exchange.SymbolMapper;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.OptionType;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * OKX instrument ids: spot "BTC-USDT" → "BTC-USDT"; swaps "BTC-USDT-SWAP" → "BTC-USDT-PERP"; futures
 * "BTC-USD-261225" → "BTC-USD-20261225"; options "BTC-USD-261225-100000-C" → "BTC-USD-20261225-100000-C".
 * Contracts quoted in USD are inverse (margined in the base coin); the others settle in their quote.
 * Immutable and thread-safe.
 */
public final class OkxSymbols implements SymbolMapper {
  private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("uuMMdd").withResolverStyle(ResolverStyle.STRICT);
  private static final String SWAP = "SWAP";
  private static final String INVERSE_QUOTE = "USD";

  @Override
  public Instrument fromNative(String nativeSymbol) {
    String[] parts = nativeSymbol.split("-", -1);
    if (parts.length < 2 || !SymbolFormat.isCurrencyPair(parts[0], parts[1])) {
      return null;
    }
    String base = parts[0];
    String quote = parts[1];
    String settle = quote.equals(INVERSE_QUOTE) ? base : quote;
    Instrument.Builder builder;
    try {
      if (parts.length == 2) {
        builder = SymbolFormat.spot(base, quote);
      } else if (parts.length == 3 && parts[2].equals(SWAP)) {
        builder = SymbolFormat.perpetual(base, quote, settle);
      } else if (parts.length == 3) {
        builder = SymbolFormat.future(base, quote, settle, LocalDate.parse(parts[2], YYMMDD));
      } else if (parts.length == 5 && (parts[4].equals("C") || parts[4].equals("P"))) {
        OptionType type = parts[4].equals("C") ? OptionType.OPTION_TYPE_CALL : OptionType.OPTION_TYPE_PUT;
        builder = SymbolFormat.option(base, quote, settle, LocalDate.parse(parts[2], YYMMDD), parts[3], type);
      } else {
        return null;
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      return null;
    }
    return builder.setExchange(OkxFeed.EXCHANGE).setNativeSymbol(nativeSymbol).build();
  }

  @Override
  public String toNative(String symbol) {
    String[] parts = SymbolFormat.segments(symbol);
    try {
      switch (parts.length) {
        case 2:
          return symbol;
        case 3:
          return parts[2].equals(SymbolFormat.PERPETUAL)
              ? parts[0] + "-" + parts[1] + "-" + SWAP
              : parts[0] + "-" + parts[1] + "-" + yymmdd(parts[2]);
        case 5:
          String strike = SymbolFormat.strikeOf(parts[3]);
          return strike == null ? null
              : parts[0] + "-" + parts[1] + "-" + yymmdd(parts[2]) + "-" + strike + "-" + parts[4];
        default:
          return null;
      }
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String yymmdd(String yyyymmdd) {
    return YYMMDD.format(LocalDate.parse(yyyymmdd, SymbolFormat.DATE));
  }
}
