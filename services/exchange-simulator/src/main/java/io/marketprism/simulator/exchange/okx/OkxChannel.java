package io.marketprism.simulator.exchange.okx;

import java.util.Optional;

/** The OKX v5 public channels the simulator publishes, by wire name. */
enum OkxChannel {
  TRADES("trades", false),
  BOOKS("books", false),
  BBO_TBT("bbo-tbt", false),
  TICKERS("tickers", false),
  FUNDING_RATE("funding-rate", true),
  OPEN_INTEREST("open-interest", true),
  /** Subscribed by {@code instType} ({@code SWAP}), not by instrument. */
  LIQUIDATION_ORDERS("liquidation-orders", true);

  final String wireName;
  /** Whether the channel exists only for swaps. */
  final boolean swapOnly;

  OkxChannel(String wireName, boolean swapOnly) {
    this.wireName = wireName;
    this.swapOnly = swapOnly;
  }

  static Optional<OkxChannel> of(String wireName) {
    for (OkxChannel channel : values()) {
      if (channel.wireName.equals(wireName)) {
        return Optional.of(channel);
      }
    }
    return Optional.empty();
  }
}
