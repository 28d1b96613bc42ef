package io.marketprism.simulator.market;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Realistic grids for the instruments a user is most likely to simulate (tick and lot sizes as the exchanges list
 * them), and a generic grid for any other well-formed symbol.
 */
public final class InstrumentCatalog {

  private record Grid(String start, String tick, String lot) {}

  private static final Map<String, Grid> KNOWN =
      Map.ofEntries(
          Map.entry("BINANCE_SPOT:BTCUSDT", new Grid("65000.00", "0.01", "0.00001")),
          Map.entry("BINANCE_SPOT:ETHUSDT", new Grid("3500.00", "0.01", "0.0001")),
          Map.entry("BINANCE_FUTURES:BTCUSDT", new Grid("65000.0", "0.1", "0.001")),
          Map.entry("BINANCE_FUTURES:ETHUSDT", new Grid("3500.00", "0.01", "0.001")),
          Map.entry("OKX:BTC-USDT", new Grid("65000.0", "0.1", "0.00000001")),
          Map.entry("OKX:ETH-USDT", new Grid("3500.00", "0.01", "0.000001")),
          Map.entry("OKX:BTC-USDT-SWAP", new Grid("65000.0", "0.1", "0.01")),
          Map.entry("OKX:ETH-USDT-SWAP", new Grid("3500.00", "0.01", "0.01")),
          Map.entry("DERIBIT:BTC-PERPETUAL", new Grid("65000.0", "0.5", "10")),
          Map.entry("DERIBIT:ETH-PERPETUAL", new Grid("3500.00", "0.05", "1")));

  private static final Map<Exchange, Pattern> SYMBOL =
      Map.of(
          Exchange.BINANCE_SPOT, Pattern.compile("[A-Z0-9]{2,20}"),
          Exchange.BINANCE_FUTURES, Pattern.compile("[A-Z0-9]{2,20}"),
          Exchange.OKX, Pattern.compile("[A-Z0-9]{1,12}-[A-Z0-9]{1,12}(-SWAP)?"),
          Exchange.DERIBIT, Pattern.compile("[A-Z0-9]{1,12}(_[A-Z0-9]{1,12})?-PERPETUAL"));

  private InstrumentCatalog() {}

  /**
   * The instrument for {@code symbol} on {@code exchange}.
   *
   * @throws IllegalArgumentException if the symbol is not spelled as that exchange spells symbols
   */
  public static Instrument instrument(Exchange exchange, String symbol) {
    if (!SYMBOL.get(exchange).matcher(symbol).matches()) {
      throw new IllegalArgumentException(
          "\"" + symbol + "\" is not a " + exchange.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + " symbol (expected the exchange's own spelling, e.g. " + example(exchange) + ")");
    }
    Grid grid = KNOWN.getOrDefault(exchange + ":" + symbol, new Grid("100.00", "0.01", "0.001"));
    boolean perpetual =
        exchange == Exchange.BINANCE_FUTURES || exchange == Exchange.DERIBIT || symbol.endsWith("-SWAP");
    return new Instrument(
        exchange, symbol, new BigDecimal(grid.start()), new BigDecimal(grid.tick()), new BigDecimal(grid.lot()), perpetual);
  }

  private static String example(Exchange exchange) {
    return switch (exchange) {
      case BINANCE_SPOT, BINANCE_FUTURES -> "BTCUSDT";
      case OKX -> "BTC-USDT or BTC-USDT-SWAP";
      case DERIBIT -> "BTC-PERPETUAL";
    };
  }
}
