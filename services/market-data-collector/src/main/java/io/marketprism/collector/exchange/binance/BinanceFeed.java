package io.marketprism.collector.exchange.binance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.collector.exchange.FrameRejectedException;
import io.marketprism.collector.exchange.JsonReading;
import io.marketprism.collector.exchange.RejectReason;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binance spot and USDⓈ-M/COIN-M futures. Frames come raw ({@code {"e":"trade",...}}) or wrapped by a
 * combined stream ({@code {"stream":"btcusdt@trade","data":{...}}}); both are handled alike.
 *
 * <table>
 *   <caption>Channels</caption>
 *   <tr><th>Binance</th><th>normalized</th></tr>
 *   <tr><td>{@code trade} (spot), {@code aggTrade} (futures; spot too)</td><td>Trade</td></tr>
 *   <tr><td>{@code depthUpdate} + REST {@code /depth} snapshot</td><td>BookSnapshot, BookDelta</td></tr>
 *   <tr><td>{@code bookTicker}</td><td>Ticker</td></tr>
 *   <tr><td>{@code markPriceUpdate}</td><td>FundingRate (perpetuals)</td></tr>
 *   <tr><td>{@code forceOrder}</td><td>Liquidation</td></tr>
 *   <tr><td>REST {@code /fapi/v1/openInterest}</td><td>OpenInterest</td></tr>
 * </table>
 *
 * <p>Control frames are answers to SUBSCRIBE ({@code {"result":null,"id":1}}); {@code {"code":..,"msg":..}}
 * is an exchange error and counted as a reject. A REST depth snapshot arrives through
 * {@link #onDepthSnapshot} (the collector knows the symbol it asked for) or, in {@code normalize}, as a
 * line of its own through {@link #handle}: the JSON carries no symbol, so it goes to the book that awaits a
 * snapshot (or, when no book exists yet, to the first book that gets an update); a "symbol" field may be
 * added to the JSON to name the book explicitly.
 *
 * <p>Not thread-safe (see {@link ExchangeFeed}).
 */
public final class BinanceFeed extends ExchangeFeed {
  /** Lower-case exchange name. */
  public static final String EXCHANGE = "binance";

  private final BinanceMarket market;
  private final BinanceSymbols symbols = new BinanceSymbols();
  private final Map<String, Instrument> spotInstruments = new HashMap<>();
  private final Map<String, Instrument> futuresInstruments = new HashMap<>();
  private final Map<String, BinanceBook> books = new LinkedHashMap<>();
  private final BinanceFields fields = new BinanceFields(recentStrings);
  private final Trade.Builder trade = Trade.newBuilder().setExchange(EXCHANGE);
  private final BinanceBook.Output bookOutput = new BookOutput();
  private BookSnapshot unclaimedSnapshot;
  /** Set while {@link #onDepthSnapshot} runs: the symbol the REST answer is for. */
  private String forcedSnapshotSymbol;

  /** A feed that tells spot from futures by each frame's shape (see {@link BinanceMarket#AUTO}). */
  public BinanceFeed(FeedListener listener) {
    this(listener, BinanceMarket.AUTO);
  }

  /** A feed for frames of one market (the collector connects to one market per connection). */
  public BinanceFeed(FeedListener listener, BinanceMarket market) {
    super(EXCHANGE, listener);
    this.market = market;
  }

  @Override
  public void resetBooks() {
    for (BinanceBook book : books.values()) {
      book.reset();
    }
    unclaimedSnapshot = null;
  }

  /**
   * Seeds the book of {@code nativeSymbol} from the answer of Binance's REST depth endpoint
   * ({@code {"lastUpdateId":..,"bids":[..],"asks":[..]}}). Never throws; a bad answer is a reject.
   */
  public FrameOutcome onDepthSnapshot(String nativeSymbol, CharSequence json, long receiveTimeNs) {
    return handleWith(json, receiveTimeNs, nativeSymbol);
  }

  @Override
  public FrameOutcome onRestSnapshot(String nativeSymbol, CharSequence body, long receiveTimeNs) {
    return onDepthSnapshot(nativeSymbol, body, receiveTimeNs);
  }

  /**
   * Native symbols of books holding updates that no snapshot has seeded yet (for {@code normalize}, which
   * reports them when its input ends).
   */
  public List<String> booksAwaitingSnapshot() {
    List<String> waiting = new ArrayList<>();
    books.forEach((symbol, book) -> {
      if (book.bufferedUpdates() > 0) {
        waiting.add(symbol);
      }
    });
    return waiting;
  }

  private FrameOutcome handleWith(CharSequence json, long receiveTimeNs, String snapshotSymbol) {
    forcedSnapshotSymbol = snapshotSymbol;
    try {
      return handle(json, receiveTimeNs);
    } finally {
      forcedSnapshotSymbol = null;
    }
  }

  @Override
  protected FrameOutcome parse(CharSequence frame, long receiveTimeNs) throws IOException, FrameRejectedException {
    BinanceFields f = fields;
    f.reset();
    try (JsonParser p = parser(frame)) {
      p.nextToken();
      JsonReading.expect(p, JsonToken.START_OBJECT, "the frame");
      f.read(p);
      JsonReading.expectEnd(p);
    }
    if (f.event != null) {
      switch (f.event) {
        case "trade":
          return trade(f, f.tradeId, "t", BinanceMarket.SPOT, receiveTimeNs);
        case "aggTrade":
          return trade(f, f.aggregateId, "a", f.hasSpotFlag ? BinanceMarket.SPOT : BinanceMarket.FUTURES,
              receiveTimeNs);
        case "depthUpdate":
          return depthUpdate(f, receiveTimeNs);
        case "bookTicker":
          return bookTicker(f, BinanceMarket.FUTURES, receiveTimeNs);
        case "markPriceUpdate":
          return markPrice(f, receiveTimeNs);
        case "forceOrder":
          return forceOrder(f, receiveTimeNs);
        default:
          throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL, "unknown event type \"" + f.event + "\"");
      }
    }
    if (f.snapshotLastUpdateId != BinanceFields.ABSENT) {
      return depthSnapshot(f, receiveTimeNs);
    }
    if (f.openInterest != null) {
      return openInterest(f, receiveTimeNs);
    }
    if (f.lastUpdateIdOfEvent != BinanceFields.ABSENT && f.bestBid != null) {
      return bookTicker(f, BinanceMarket.SPOT, receiveTimeNs); // spot bookTicker has no "e"
    }
    if (f.errorCode != null) {
      throw new FrameRejectedException(RejectReason.EXCHANGE_ERROR,
          "exchange error " + f.errorCode + ": " + f.errorMessage);
    }
    if (f.hasResult) {
      return FrameOutcome.CONTROL;
    }
    throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "not a Binance market data frame");
  }

  private FrameOutcome trade(BinanceFields f, String id, String idField, BinanceMarket shape, long receiveTimeNs)
      throws FrameRejectedException {
    Instrument instrument = instrument(f.symbol, shape);
    if (id == null) {
      throw JsonReading.missing(idField);
    }
    if (f.buyerIsMaker < 0) {
      throw JsonReading.missing("m");
    }
    Trade built = trade.clear()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(f.symbol)
        .setTradeId(id)
        // The buyer was the maker, so the order that crossed the spread was a sell.
        .setSide(f.buyerIsMaker == 1 ? Side.SIDE_SELL : Side.SIDE_BUY)
        .setPrice(JsonReading.required(f.price, "p"))
        .setAmount(JsonReading.required(f.quantity, "q"))
        .setExchangeTimeNs(JsonReading.millisToNanos(requiredTime(f.tradeTime, "T"), "T"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setTrade(built).build());
    return FrameOutcome.DATA;
  }

  private FrameOutcome depthUpdate(BinanceFields f, long receiveTimeNs) throws FrameRejectedException {
    boolean futures = f.previousUpdateId != BinanceFields.ABSENT;
    Instrument instrument = instrument(f.symbol, futures ? BinanceMarket.FUTURES : BinanceMarket.SPOT);
    if (!f.hasBidArray) {
      throw JsonReading.missing("b");
    }
    if (!f.hasAskArray) {
      throw JsonReading.missing("a");
    }
    BookDelta.Builder delta = BookDelta.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(f.symbol)
        .addAllBids(f.bids)
        .addAllAsks(f.asks)
        .setExchangeTimeNs(JsonReading.millisToNanos(requiredTime(f.eventTime, "E"), "E"))
        .setReceiveTimeNs(receiveTimeNs)
        .setFirstSequence(requiredTime(f.firstUpdateId, "U"))
        .setLastSequence(requiredTime(f.lastUpdateIdOfEvent, "u"));
    if (futures) {
      delta.setPrevSequence(f.previousUpdateId);
    }
    BinanceBook book = books.get(f.symbol);
    if (book == null) {
      book = new BinanceBook(f.symbol, futures);
      books.put(f.symbol, book);
      if (unclaimedSnapshot != null) {
        book.snapshotAtHand(); // seeded just below: asking for a snapshot would report a problem that is not
      }
    }
    book.onUpdate(delta.build(), bookOutput);
    if (unclaimedSnapshot != null) {
      BookSnapshot snapshot = unclaimedSnapshot;
      unclaimedSnapshot = null;
      seed(book, instrument, snapshot);
    }
    return FrameOutcome.DATA;
  }

  private FrameOutcome depthSnapshot(BinanceFields f, long receiveTimeNs) throws FrameRejectedException {
    if (!f.hasBidArray) {
      throw JsonReading.missing("bids");
    }
    if (!f.hasAskArray) {
      throw JsonReading.missing("asks");
    }
    // Futures snapshots carry "E" and "T"; spot ones carry neither.
    long time = f.tradeTime != BinanceFields.ABSENT ? f.tradeTime : f.eventTime;
    BookSnapshot snapshot = BookSnapshot.newBuilder()
        .setExchange(EXCHANGE)
        .addAllBids(f.bids)
        .addAllAsks(f.asks)
        .setExchangeTimeNs(time == BinanceFields.ABSENT ? 0 : JsonReading.millisToNanos(time, "T"))
        .setReceiveTimeNs(receiveTimeNs)
        .setLastSequence(f.snapshotLastUpdateId)
        // The REST answer holds as many levels per side as its "limit" asked for.
        .setDepth(Math.max(f.bids.size(), f.asks.size()))
        .build();
    String symbol = forcedSnapshotSymbol != null ? forcedSnapshotSymbol : f.symbol;
    BinanceBook book = symbol != null ? books.get(symbol) : claimant();
    if (book == null && symbol != null) {
      boolean futures = isFuturesSnapshot(f, symbol);
      book = new BinanceBook(symbol, futures);
      books.put(symbol, book);
    }
    if (book == null) {
      if (books.isEmpty()) {
        unclaimedSnapshot = snapshot; // normalize: the first book to get an update takes it
        return FrameOutcome.DATA;
      }
      throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME,
          "depth snapshot names no symbol and " + books.size() + " books could take it: add \"symbol\"");
    }
    String nativeSymbol = symbol != null ? symbol : bookSymbol(book);
    seed(book, instrument(nativeSymbol, book.isFutures() ? BinanceMarket.FUTURES : BinanceMarket.SPOT), snapshot);
    return FrameOutcome.DATA;
  }

  private boolean isFuturesSnapshot(BinanceFields f, String symbol) {
    if (market != BinanceMarket.AUTO) {
      return market == BinanceMarket.FUTURES;
    }
    return symbol.indexOf('_') >= 0 || f.tradeTime != BinanceFields.ABSENT || f.eventTime != BinanceFields.ABSENT;
  }

  /** The one book a symbol-less snapshot can be for: the one awaiting a snapshot, or the only book. */
  private BinanceBook claimant() {
    BinanceBook waiting = null;
    int waitingCount = 0;
    for (BinanceBook book : books.values()) {
      if (!book.isSynced()) {
        waiting = book;
        waitingCount++;
      }
    }
    if (waitingCount == 1) {
      return waiting;
    }
    if (waitingCount == 0 && books.size() == 1) {
      return books.values().iterator().next();
    }
    return null;
  }

  private String bookSymbol(BinanceBook book) {
    for (Map.Entry<String, BinanceBook> entry : books.entrySet()) {
      if (entry.getValue() == book) {
        return entry.getKey();
      }
    }
    throw new IllegalStateException("book not registered");
  }

  private void seed(BinanceBook book, Instrument instrument, BookSnapshot snapshot) {
    book.onSnapshot(snapshot.toBuilder()
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(instrument.getNativeSymbol())
        .build(), bookOutput);
  }

  private FrameOutcome bookTicker(BinanceFields f, BinanceMarket shape, long receiveTimeNs)
      throws FrameRejectedException {
    Instrument instrument = instrument(f.symbol, shape);
    long time = f.tradeTime != BinanceFields.ABSENT ? f.tradeTime : f.eventTime;
    Ticker.Builder ticker = Ticker.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(f.symbol)
        .setBidPrice(JsonReading.required(f.bestBid, "b"))
        .setBidAmount(JsonReading.required(f.bestBidQty, "B"))
        .setAskPrice(JsonReading.required(f.aggregateId, "a"))
        .setAskAmount(JsonReading.required(f.bestAskQty, "A"))
        .setExchangeTimeNs(time == BinanceFields.ABSENT ? 0 : JsonReading.millisToNanos(time, "T"))
        .setReceiveTimeNs(receiveTimeNs);
    if (f.lastUpdateIdOfEvent != BinanceFields.ABSENT) {
      ticker.setLastSequence(f.lastUpdateIdOfEvent);
    }
    emit(MarketEvent.newBuilder().setTicker(ticker).build());
    return FrameOutcome.DATA;
  }

  private FrameOutcome markPrice(BinanceFields f, long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instrument(f.symbol, BinanceMarket.FUTURES);
    if (f.fundingRate == null || f.fundingRate.isEmpty()) {
      return FrameOutcome.DATA; // dated futures get mark prices without funding: nothing to publish
    }
    FundingRate funding = FundingRate.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(f.symbol)
        .setRate(f.fundingRate)
        .setMarkPrice(nonNull(f.price))
        .setIndexPrice(nonNull(f.indexPrice))
        .setFundingTimeNs(f.tradeTime == BinanceFields.ABSENT ? 0 : JsonReading.millisToNanos(f.tradeTime, "T"))
        .setExchangeTimeNs(JsonReading.millisToNanos(requiredTime(f.eventTime, "E"), "E"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setFundingRate(funding).build());
    return FrameOutcome.DATA;
  }

  private FrameOutcome forceOrder(BinanceFields f, long receiveTimeNs) throws FrameRejectedException {
    BinanceFields o = f.order;
    if (o == null || o.symbol == null) {
      throw JsonReading.missing("o");
    }
    Instrument instrument = instrument(o.symbol, BinanceMarket.FUTURES);
    long time = o.tradeTime != BinanceFields.ABSENT ? o.tradeTime : requiredTime(f.eventTime, "E");
    Liquidation liquidation = Liquidation.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(o.symbol)
        .setSide(side(JsonReading.required(o.side, "S")))
        .setPrice(JsonReading.required(o.price, "p"))
        .setAmount(JsonReading.required(o.quantity, "q"))
        .setAveragePrice(nonNull(o.averagePrice))
        .setExchangeTimeNs(JsonReading.millisToNanos(time, "T"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setLiquidation(liquidation).build());
    return FrameOutcome.DATA;
  }

  private FrameOutcome openInterest(BinanceFields f, long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instrument(f.symbol, BinanceMarket.FUTURES);
    OpenInterest interest = OpenInterest.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(f.symbol)
        .setAmount(f.openInterest)
        .setExchangeTimeNs(JsonReading.millisToNanos(requiredTime(f.time, "time"), "time"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setOpenInterest(interest).build());
    return FrameOutcome.DATA;
  }

  private Instrument instrument(String nativeSymbol, BinanceMarket shape) throws FrameRejectedException {
    if (nativeSymbol == null) {
      throw JsonReading.missing("s");
    }
    BinanceMarket effective = market == BinanceMarket.AUTO ? shape : market;
    Map<String, Instrument> cache = effective == BinanceMarket.FUTURES ? futuresInstruments : spotInstruments;
    Instrument instrument = cache.get(nativeSymbol);
    if (instrument == null) {
      instrument = symbols.fromNative(nativeSymbol, effective);
      if (instrument == null) {
        throw new FrameRejectedException(RejectReason.UNKNOWN_SYMBOL, "unknown symbol \"" + nativeSymbol + "\"");
      }
      cache.put(nativeSymbol, instrument);
    }
    return instrument;
  }

  private static Side side(String text) throws FrameRejectedException {
    switch (text) {
      case "BUY":
        return Side.SIDE_BUY;
      case "SELL":
        return Side.SIDE_SELL;
      default:
        throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "unknown side \"" + text + "\"");
    }
  }

  private static long requiredTime(long value, String field) throws FrameRejectedException {
    if (value == BinanceFields.ABSENT) {
      throw JsonReading.missing(field);
    }
    return value;
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  /** Where the books' results go: out of the feed, counted. */
  private final class BookOutput implements BinanceBook.Output {
    @Override
    public void snapshot(BookSnapshot snapshot) {
      emit(MarketEvent.newBuilder().setBookSnapshot(snapshot).build());
    }

    @Override
    public void delta(BookDelta delta) {
      emit(MarketEvent.newBuilder().setBookDelta(delta).build());
    }

    @Override
    public void resync(String nativeSymbol, ResyncReason reason, String detail) {
      requestResync(nativeSymbol, reason, detail);
    }
  }
}
