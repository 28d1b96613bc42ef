package io.marketprism.messaging;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;

/** Market events for tests and benchmarks. */
public final class TestEvents {

  private TestEvents() {}

  public static MarketEvent trade(String symbol, long id) {
    return MarketEvent.newBuilder()
        .setTrade(
            Trade.newBuilder()
                .setExchange("binance")
                .setSymbol(symbol)
                .setNativeSymbol(symbol.replace("-", ""))
                .setTradeId(Long.toString(id))
                .setSide(id % 2 == 0 ? Side.SIDE_BUY : Side.SIDE_SELL)
                .setPrice("42219.9" + id % 10)
                .setAmount("0.00" + (id % 7 + 1))
                .setExchangeTimeNs(1_700_000_000_000_000_000L + id * 1_000_000L)
                .setReceiveTimeNs(1_700_000_000_000_000_000L + id * 1_000_000L + 500))
        .build();
  }
}
