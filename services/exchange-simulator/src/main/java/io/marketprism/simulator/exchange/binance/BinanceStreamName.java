package io.marketprism.simulator.exchange.binance;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed stream name such as {@code btcusdt@depth@100ms}: symbol, channel and update interval.
 *
 * @param intervalMs how often aggregated channels ({@code depth}, {@code markPrice}) push; 0 for real-time ones
 */
record BinanceStreamName(String name, String symbol, Channel channel, long intervalMs) {

  /** The market streams the simulator publishes, by their names on the wire. */
  enum Channel {
    TRADE("trade"),
    AGG_TRADE("aggTrade"),
    DEPTH("depth"),
    BOOK_TICKER("bookTicker"),
    MARK_PRICE("markPrice"),
    FORCE_ORDER("forceOrder");

    final String wireName;

    Channel(String wireName) {
      this.wireName = wireName;
    }
  }

  private static final Pattern NAME = Pattern.compile("([a-z0-9]+)@([a-zA-Z]+)(?:@(\\d+m?s))?");

  /** The stream {@code name} denotes on spot or futures, or empty if there is no such stream there. */
  static Optional<BinanceStreamName> parse(String name, boolean futures) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    String symbol = m.group(1).toUpperCase(Locale.ROOT);
    String speed = m.group(3);
    for (Channel channel : Channel.values()) {
      if (!channel.wireName.equals(m.group(2))) {
        continue;
      }
      Optional<Long> interval = interval(channel, speed, futures);
      return interval.map(ms -> new BinanceStreamName(name, symbol, channel, ms));
    }
    return Optional.empty();
  }

  private static Optional<Long> interval(Channel channel, String speed, boolean futures) {
    return switch (channel) {
      case TRADE, AGG_TRADE, BOOK_TICKER -> speed == null ? Optional.of(0L) : Optional.empty();
      case FORCE_ORDER -> futures && speed == null ? Optional.of(0L) : Optional.empty();
      case DEPTH -> {
        if (speed == null) {
          yield Optional.of(futures ? 250L : 1000L);
        }
        yield switch (speed) {
          case "100ms" -> Optional.of(100L);
          case "1000ms" -> futures ? Optional.empty() : Optional.of(1000L);
          case "250ms", "500ms" -> futures ? Optional.of(Long.parseLong(speed.replace("ms", ""))) : Optional.empty();
          default -> Optional.empty();
        };
      }
      case MARK_PRICE -> {
        if (!futures) {
          yield Optional.empty();
        }
        yield speed == null ? Optional.of(3000L) : "1s".equals(speed) ? Optional.of(1000L) : Optional.empty();
      }
    };
  }
}
