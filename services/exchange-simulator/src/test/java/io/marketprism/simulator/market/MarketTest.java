package io.marketprism.simulator.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarketTest {

  private final Market market =
      new Market(InstrumentCatalog.instrument(Exchange.OKX, "BTC-USDT"), 7, 1_700_000_000_000L);

  @Test
  void bookStaysUncrossedAndDeepWhileTheWalkRuns() {
    for (int i = 0; i < 20_000; i++) {
      market.step(1_700_000_000_000L + i);
      BookSnapshot book = market.snapshot(Market.DEPTH);
      assertThat(book.bidPrices()[0]).isLessThan(book.askPrices()[0]);
      assertThat(book.bidCount()).isEqualTo(Market.DEPTH);
      assertThat(book.askCount()).isEqualTo(Market.DEPTH);
    }
  }

  @Test
  void bookUpdatesCarryConsecutiveSequencesAndTradesHitTheBestLevel() {
    List<BookUpdate> updates = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    market.addListener(
        new MarketListener() {
          @Override
          public void onTrade(Market m, Trade trade) {
            BookSnapshot book = m.snapshot(1);
            long best = trade.takerSide() == Side.BUY ? book.askPrices()[0] : book.bidPrices()[0];
            if (best != trade.priceTicks() || trade.sizeLots() <= 0) {
              violations.add(trade.toString());
            }
          }

          @Override
          public void onBookUpdate(Market m, BookUpdate update) {
            updates.add(update);
          }
        },
        m -> {});
    long start = market.sequence();
    for (int i = 0; i < 5_000; i++) {
      market.step(i);
    }
    assertThat(violations).isEmpty();
    assertThat(updates).isNotEmpty();
    for (int i = 0; i < updates.size(); i++) {
      assertThat(updates.get(i).sequence()).isEqualTo(start + i + 1);
    }
  }

  @Test
  void sameSeedGivesTheSameMarket() {
    Market twin = new Market(InstrumentCatalog.instrument(Exchange.OKX, "BTC-USDT"), 7, 1_700_000_000_000L);
    for (int i = 0; i < 1_000; i++) {
      market.step(i);
      twin.step(i);
    }
    assertThat(twin.snapshot(10).bidPrices()).isEqualTo(market.snapshot(10).bidPrices());
    assertThat(twin.sequence()).isEqualTo(market.sequence());
  }

  @Test
  void aLaterStartContinuesTradeIdsAndSequencesInsteadOfRepeatingThem() {
    List<Long> firstRunIds = new ArrayList<>();
    market.addListener(
        new MarketListener() {
          @Override
          public void onTrade(Market m, Trade trade) {
            firstRunIds.add(trade.id());
          }
        },
        m -> {});
    for (int i = 0; i < 5_000; i++) {
      market.step(1_700_000_000_000L + i);
    }
    long firstRunLastSequence = market.sequence();

    // the same seed restarted one second later, as `./marketprism up` after a stop
    Market restarted = new Market(InstrumentCatalog.instrument(Exchange.OKX, "BTC-USDT"), 7, 1_700_000_001_000L + 5_000);
    List<Long> secondRunIds = new ArrayList<>();
    restarted.addListener(
        new MarketListener() {
          @Override
          public void onTrade(Market m, Trade trade) {
            secondRunIds.add(trade.id());
          }
        },
        m -> {});
    for (int i = 0; i < 5_000; i++) {
      restarted.step(1_700_000_006_000L + i);
    }

    assertThat(firstRunIds).isNotEmpty().isSorted();
    assertThat(secondRunIds).isNotEmpty().isSorted();
    assertThat(secondRunIds.get(0)).isGreaterThan(firstRunIds.get(firstRunIds.size() - 1));
    assertThat(restarted.sequence()).isGreaterThan(firstRunLastSequence);
  }
}
