package io.marketprism.collector.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.connection.SubscriptionPlan.Want;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceProtocol;
import io.marketprism.collector.exchange.deribit.DeribitProtocol;
import io.marketprism.marketdata.v1.DataType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionPlanTest {
  @Test
  void splitsChannelsIntoConnectionsWithinTheExchangeLimit() {
    List<Want> wants = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      wants.add(new Want(DataType.DATA_TYPE_TRADE, "SYM" + i + "USDT"));
      wants.add(new Want(DataType.DATA_TYPE_BOOK_DELTA, "SYM" + i + "USDT"));
    }

    SubscriptionPlan plan = SubscriptionPlan.of(new BinanceProtocol(BinanceMarket.SPOT), wants);

    assertThat(plan.connections()).extracting(List::size).containsExactly(1024, 176);
  }

  @Test
  void sharedChannelsAreSubscribedOnceAndMissingStreamsAreListed() {
    SubscriptionPlan deribit = SubscriptionPlan.of(new DeribitProtocol(), List.of(
        new Want(DataType.DATA_TYPE_FUNDING_RATE, "BTC-PERPETUAL"),
        new Want(DataType.DATA_TYPE_OPEN_INTEREST, "BTC-PERPETUAL")));
    SubscriptionPlan binance = SubscriptionPlan.of(new BinanceProtocol(BinanceMarket.SPOT), List.of(
        new Want(DataType.DATA_TYPE_OPEN_INTEREST, "BTCUSDT")));

    assertThat(deribit.connections()).containsExactly(List.of("ticker.BTC-PERPETUAL.100ms"));
    assertThat(binance.connections()).isEmpty();
    assertThat(binance.unavailable()).containsExactly(new Want(DataType.DATA_TYPE_OPEN_INTEREST, "BTCUSDT"));
  }
}
