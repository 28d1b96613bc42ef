package io.marketprism.simulator.exchange.binance;

import java.util.List;

/**
 * Splits a Binance symbol ("BTCUSDT") into its base and quote assets, which Binance writes together: the quote is
 * the longest known quote asset the symbol ends with. Enough for the symbols a simulator is configured with; a symbol
 * ending in none of them is split before its last four characters.
 */
final class BinanceAssets {

  /** Longest first, so that "FDUSD" wins over "USD". */
  private static final List<String> QUOTES =
      List.of("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "EUR", "TRY", "BTC", "ETH", "BNB", "USD");
  private static final int FALLBACK_QUOTE_LENGTH = 4;

  private BinanceAssets() {}

  /** {@code {base, quote}}. */
  static String[] split(String symbol) {
    for (String quote : QUOTES) {
      if (symbol.length() > quote.length() && symbol.endsWith(quote)) {
        return new String[] {symbol.substring(0, symbol.length() - quote.length()), quote};
      }
    }
    int cut = Math.max(1, symbol.length() - FALLBACK_QUOTE_LENGTH);
    return new String[] {symbol.substring(0, cut), symbol.substring(cut)};
  }
}
