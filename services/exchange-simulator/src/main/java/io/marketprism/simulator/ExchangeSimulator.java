package io.marketprism.simulator;

import io.marketprism.simulator.config.SimulatorConfig;
import io.marketprism.simulator.exchange.binance.BinanceEndpoint;
import io.marketprism.simulator.exchange.binance.BinanceExchangeInfo;
import io.marketprism.simulator.exchange.binance.BinanceRest;
import io.marketprism.simulator.exchange.deribit.DeribitEndpoint;
import io.marketprism.simulator.exchange.deribit.DeribitInstruments;
import io.marketprism.simulator.exchange.deribit.DeribitOrderBook;
import io.marketprism.simulator.exchange.okx.OkxEndpoint;
import io.marketprism.simulator.exchange.okx.OkxInstruments;
import io.marketprism.simulator.fault.AdminEndpoint;
import io.marketprism.simulator.fault.FaultController;
import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.ConnectionRegistry;
import io.marketprism.simulator.feed.FeedServer;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.InstrumentCatalog;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.MarketClock;
import io.marketprism.simulator.market.Markets;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running simulator: markets, their clock, the fault controller and the feed server, started together from a
 * {@link SimulatorConfig} and closed together (feed first, so no client sees a frozen market).
 *
 * <pre>{@code
 * try (ExchangeSimulator simulator = ExchangeSimulator.start(config)) {
 *   URI okx = URI.create("ws://" + simulator.hostPort() + "/ws/v5/public");
 * }
 * }</pre>
 */
public final class ExchangeSimulator implements AutoCloseable {

  private final Markets markets;
  private final MarketClock clock;
  private final FaultController faults;
  private final FeedServer feed;

  private ExchangeSimulator(Markets markets, MarketClock clock, FaultController faults, FeedServer feed) {
    this.markets = markets;
    this.clock = clock;
    this.faults = faults;
    this.feed = feed;
  }

  /**
   * Builds the markets and starts the clock and the feed server.
   *
   * @throws IllegalArgumentException if a symbol is not spelled as its exchange spells symbols
   * @throws InterruptedException if interrupted while binding
   */
  public static ExchangeSimulator start(SimulatorConfig config) throws InterruptedException {
    Clock wallClock = Clock.systemUTC();
    long seed = config.markets().seed() != 0 ? config.markets().seed() : ThreadLocalRandom.current().nextLong();
    List<Market> list = new ArrayList<>();
    addMarkets(list, Exchange.BINANCE_SPOT, config.markets().binanceSpot(), seed, wallClock);
    addMarkets(list, Exchange.BINANCE_FUTURES, config.markets().binanceFutures(), seed, wallClock);
    addMarkets(list, Exchange.OKX, config.markets().okx(), seed, wallClock);
    addMarkets(list, Exchange.DERIBIT, config.markets().deribit(), seed, wallClock);
    Markets markets = new Markets(list);

    FaultInjector injector = new FaultInjector(config.faults().toSettings());
    ConnectionRegistry connections = new ConnectionRegistry();
    FaultController faults = new FaultController(injector, connections);
    MarketClock clock = new MarketClock(list, config.rate().perMarket(list.size()), wallClock);
    FeedServer[] feed = new FeedServer[1];
    try {
      feed[0] =
          FeedServer.builder()
              .bind(config.feed().host(), config.feed().port())
              .maxPendingBytes(config.feed().maxPendingBytes())
              .connections(connections)
              .faults(injector)
              .webSocket(new OkxEndpoint(markets, injector, config.okx().idleTimeout()))
              .webSocket(new DeribitEndpoint(markets, injector, config.deribit().minHeartbeatInterval()))
              .webSocket(new BinanceEndpoint(Exchange.BINANCE_SPOT, markets, injector))
              .webSocket(new BinanceEndpoint(Exchange.BINANCE_FUTURES, markets, injector))
              .http(new BinanceRest(markets, wallClock))
              .http(new BinanceExchangeInfo(markets, wallClock))
              .http(new OkxInstruments(markets))
              .http(new DeribitOrderBook(markets))
              .http(new DeribitInstruments(markets))
              .http(new AdminEndpoint(faults, connections::size, () -> feed[0].framesSent()))
              .start();
    } catch (RuntimeException | InterruptedException e) {
      faults.close();
      throw e;
    }
    clock.start();
    return new ExchangeSimulator(markets, clock, faults, feed[0]);
  }

  private static void addMarkets(List<Market> into, Exchange exchange, List<String> symbols, long seed, Clock clock) {
    for (String symbol : symbols) {
      into.add(new Market(InstrumentCatalog.instrument(exchange, symbol), seed ^ (exchange + symbol).hashCode(), clock.millis()));
    }
  }

  /** The feed's bound address. */
  public InetSocketAddress address() {
    return feed.address();
  }

  /** {@code host:port} of the feed, for building URLs. */
  public String hostPort() {
    return feed.address().getHostString() + ":" + feed.address().getPort();
  }

  public Markets markets() {
    return markets;
  }

  public FaultController faults() {
    return faults;
  }

  public FeedServer feed() {
    return feed;
  }

  @Override
  public void close() throws InterruptedException {
    feed.close();
    clock.close();
    faults.close();
  }
}
