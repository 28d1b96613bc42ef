package io.marketprism.collector.exchange.binance;

import io.marketprism.collector.exchange.SymbolFormat;
import io.marketprism.collector.exchange.SymbolMapper;
import io.marketprism.marketdata.v1.Instrument;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;

/**
 * Binance instrument names: spot "BTCUSDT" → "BTC-USDT"; USDⓈ-M "BTCUSDT" → "BTC-USDT-PERP" and
 * "BTCUSDT_261225" → "BTC-USDT-20261225"; COIN-M "BTCUSD_PERP" → "BTC-USD-PERP" and "BTCUSD_261225" →
 * "BTC-USD-20261225". Binance concatenates base and quote, so the quote is found as a known suffix
 * (longest first). Immutable and thread-safe.
 */
public final class BinanceSymbols implements SymbolMapper {
  /** Quote assets Binance lists, longest first so that "FDUSD" wins over "USD". */
  private static final List<String> QUOTES = List.of(
      "FDUSD", "USDT", "USDC", "TUSD", "BUSD", "USDP", "USDS", "DOGE", "EURI",
      "BTC", "ETH", "BNB", "EUR", "TRY", "BRL", "JPY", "GBP", "AUD", "RUB", "UAH", "ZAR", "IDR", "PLN",
      "RON", "ARS", "MXN", "COP", "CZK", "XRP", "TRX", "DOT", "SOL", "DAI", "USD");
  private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("uuMMdd").withResolverStyle(ResolverStyle.STRICT);
  private static final String COIN_M_QUOTE = "USD";

  /** Maps as a spot name unless the name has a futures suffix ("_PERP", "_261225"). */
  @Override
  public Instrument fromNative(String nativeSymbol) {
    return fromNative(nativeSymbol, BinanceMarket.SPOT);
  }

  /** Maps a name of {@code market} ({@link BinanceMarket#AUTO} counts as spot here); null if unsupported. */
  public Instrument fromNative(String nativeSymbol, BinanceMarket market) {
    int underscore = nativeSymbol.indexOf('_');
    if (underscore >= 0) {
      return futureWithSuffix(nativeSymbol, nativeSymbol.substring(0, underscore),
          nativeSymbol.substring(underscore + 1));
    }
    String quote = quoteOf(nativeSymbol);
    if (quote == null) {
      return null;
    }
    String base = nativeSymbol.substring(0, nativeSymbol.length() - quote.length());
    if (!SymbolFormat.isCurrencyPair(base, quote)) {
      return null;
    }
    Instrument.Builder builder = market == BinanceMarket.FUTURES
        ? SymbolFormat.perpetual(base, quote, quote)
        : SymbolFormat.spot(base, quote);
    return builder.setExchange(BinanceFeed.EXCHANGE).setNativeSymbol(nativeSymbol).build();
  }

  private static Instrument futureWithSuffix(String nativeSymbol, String pair, String suffix) {
    String quote = quoteOf(pair);
    if (quote == null) {
      return null;
    }
    String base = pair.substring(0, pair.length() - quote.length());
    if (!SymbolFormat.isCurrencyPair(base, quote)) {
      return null;
    }
    // COIN-M contracts are inverse: quoted in USD, margined and settled in the base coin.
    String settle = quote.equals(COIN_M_QUOTE) ? base : quote;
    Instrument.Builder builder;
    if (suffix.equals("PERP")) {
      builder = SymbolFormat.perpetual(base, quote, settle);
    } else {
      LocalDate expiry;
      try {
        expiry = LocalDate.parse(suffix, YYMMDD);
      } catch (DateTimeParseException e) {
        return null;
      }
      builder = SymbolFormat.future(base, quote, settle, expiry);
    }
    return builder.setExchange(BinanceFeed.EXCHANGE).setNativeSymbol(nativeSymbol).build();
  }

  private static String quoteOf(String pair) {
    for (String quote : QUOTES) {
      if (pair.length() > quote.length() && pair.endsWith(quote)) {
        return quote;
      }
    }
    return null;
  }

  @Override
  public String toNative(String symbol) {
    String[] parts = SymbolFormat.segments(symbol);
    if (parts.length == 2) {
      return parts[0] + parts[1];
    }
    if (parts.length != 3) {
      return null;
    }
    String pair = parts[0] + parts[1];
    if (parts[2].equals(SymbolFormat.PERPETUAL)) {
      return parts[1].equals(COIN_M_QUOTE) ? pair + "_PERP" : pair;
    }
    try {
      return pair + "_" + YYMMDD.format(LocalDate.parse(parts[2], SymbolFormat.DATE));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** True when {@code symbol} is traded on Binance's futures endpoints rather than spot. */
  public static boolean isFutures(String symbol) {
    return SymbolFormat.segments(symbol).length > 2;
  }
}
