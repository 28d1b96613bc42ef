package io.marketprism.simulator.exchange.deribit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Deribit channel name: {@code trades.BTC-PERPETUAL.raw}, {@code book.BTC-PERPETUAL.100ms},
 * {@code ticker.BTC-PERPETUAL.100ms}, {@code quote.BTC-PERPETUAL} (best bid/ask on every change: no interval, counted
 * as raw).
 */
record DeribitChannel(String name, Kind kind, String instrument, boolean raw) {

  enum Kind {
    TRADES,
    BOOK,
    TICKER,
    QUOTE
  }

  private static final Pattern NAME = Pattern.compile("(trades|book|ticker)\\.([A-Z0-9_-]+)\\.(raw|100ms)");
  private static final Pattern QUOTE = Pattern.compile("quote\\.([A-Z0-9_-]+)");

  static Optional<DeribitChannel> parse(String name) {
    Matcher quote = QUOTE.matcher(name);
    if (quote.matches()) {
      return Optional.of(new DeribitChannel(name, Kind.QUOTE, quote.group(1), true));
    }
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    Kind kind = Kind.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
    return Optional.of(new DeribitChannel(name, kind, m.group(2), m.group(3).equals("raw")));
  }
}
