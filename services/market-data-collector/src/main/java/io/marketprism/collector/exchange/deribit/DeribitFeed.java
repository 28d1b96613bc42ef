package io.marketprism.collector.exchange.deribit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.marketprism.collector.book.Decimals;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.book.SequencedBook;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.collector.exchange.FrameRejectedException;
import io.marketprism.collector.exchange.InstrumentCache;
import io.marketprism.collector.exchange.JsonReading;
import io.marketprism.collector.exchange.RejectReason;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Deribit JSON-RPC 2.0 notifications: {@code {"jsonrpc":"2.0","method":"subscription",
 * "params":{"channel":"trades.BTC-PERPETUAL.raw","data":..}}}.
 *
 * <table>
 *   <caption>Channels</caption>
 *   <tr><th>Deribit</th><th>normalized</th></tr>
 *   <tr><td>{@code trades.{instrument|kind.currency}.{interval}}</td>
 *       <td>Trade; plus Liquidation for trades with a {@code liquidation} mark</td></tr>
 *   <tr><td>{@code book.{instrument}.{interval}} (snapshot, then changes)</td><td>BookSnapshot, BookDelta</td></tr>
 *   <tr><td>{@code ticker.{instrument}.{interval}}</td>
 *       <td>Ticker; FundingRate ({@code current_funding}) for perpetuals; OpenInterest for derivatives</td></tr>
 *   <tr><td>{@code quote.{instrument}}</td><td>Ticker</td></tr>
 * </table>
 *
 * <p>Numbers keep their literal text; exponent literals ({@code 1e-05}) are expanded exactly to plain
 * decimals. Books follow {@code prev_change_id == previous change_id}; a gap empties the book until the
 * snapshot a resubscribe brings. Control frames: JSON-RPC results (subscribe acks, {@code public/test}),
 * {@code heartbeat} notifications; a {@code test_request} heartbeat returns {@link FrameOutcome#TEST_REQUEST}
 * so the connection answers it. JSON-RPC errors are counted as exchange-error rejects.
 *
 * <p>Not thread-safe (see {@link ExchangeFeed}).
 */
public final class DeribitFeed extends ExchangeFeed {
  /** Lower-case exchange name. */
  public static final String EXCHANGE = "deribit";

  private final DeribitSymbols symbols = new DeribitSymbols();
  private final InstrumentCache instruments = new InstrumentCache(symbols::fromNative, "instrument");
  private final Map<String, SequencedBook> books = new HashMap<>();
  private final DeribitItem item = new DeribitItem(recentStrings);
  private final Trade.Builder trade = Trade.newBuilder();

  public DeribitFeed(FeedListener listener) {
    super(EXCHANGE, listener);
  }

  @Override
  public void resetBooks() {
    for (SequencedBook book : books.values()) {
      book.reset();
    }
  }

  @Override
  protected FrameOutcome parse(CharSequence frame, long receiveTimeNs) throws IOException, FrameRejectedException {
    String method = null;
    String channel = null;
    String heartbeatType = null;
    String error = null;
    boolean hasResult = false;
    boolean hasData = false;
    TokenBuffer pending = null;
    try (JsonParser p = parser(frame)) {
      p.nextToken();
      JsonReading.expect(p, JsonToken.START_OBJECT, "the frame");
      String name;
      while ((name = p.nextFieldName()) != null) {
        p.nextToken();
        switch (name) {
          case "method":
            method = JsonReading.repeatedText(p, name, recentStrings);
            break;
          case "result":
            hasResult = true;
            p.skipChildren();
            break;
          case "error":
            error = errorText(p);
            break;
          case "params":
            JsonReading.expect(p, JsonToken.START_OBJECT, "\"params\"");
            while ((name = p.nextFieldName()) != null) {
              p.nextToken();
              switch (name) {
                case "channel":
                  channel = JsonReading.repeatedText(p, name, recentStrings);
                  break;
                case "type":
                  heartbeatType = JsonReading.text(p, name);
                  break;
                case "data":
                  hasData = true;
                  if (channel == null) {
                    pending = new TokenBuffer(p, null).forceUseOfBigDecimal(true); // exact numbers
                    pending.copyCurrentStructure(p); // Deribit sends "channel" first; just in case
                  } else {
                    data(p, channel, receiveTimeNs);
                  }
                  break;
                default:
                  p.skipChildren();
              }
            }
            break;
          default:
            p.skipChildren();
        }
      }
      JsonReading.expectEnd(p);
    }
    if (error != null) {
      throw new FrameRejectedException(RejectReason.EXCHANGE_ERROR, "exchange error " + error);
    }
    if ("heartbeat".equals(method)) {
      return "test_request".equals(heartbeatType) ? FrameOutcome.TEST_REQUEST : FrameOutcome.CONTROL;
    }
    if (method == null) {
      if (hasResult) {
        return FrameOutcome.CONTROL;
      }
      throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "neither \"method\" nor \"result\"");
    }
    if (!method.equals("subscription")) {
      throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL, "unknown method \"" + method + "\"");
    }
    if (channel == null) {
      throw JsonReading.missing("params.channel");
    }
    if (!hasData) {
      throw JsonReading.missing("params.data");
    }
    if (pending != null) {
      try (JsonParser replay = pending.asParser()) {
        replay.nextToken();
        data(replay, channel, receiveTimeNs);
      }
    }
    return FrameOutcome.DATA;
  }

  private static String errorText(JsonParser p) throws IOException, FrameRejectedException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return JsonReading.text(p, "error");
    }
    String code = null;
    String message = null;
    String name;
    while ((name = p.nextFieldName()) != null) {
      p.nextToken();
      if (name.equals("code")) {
        code = JsonReading.text(p, name);
      } else if (name.equals("message")) {
        message = JsonReading.text(p, name);
      } else {
        p.skipChildren();
      }
    }
    return code + ": " + message;
  }

  private void data(JsonParser p, String channel, long receiveTimeNs) throws IOException, FrameRejectedException {
    int dot = channel.indexOf('.');
    String kind = dot < 0 ? channel : channel.substring(0, dot);
    switch (kind) {
      case "trades":
        JsonReading.expect(p, JsonToken.START_ARRAY, "trades data");
        while (p.nextToken() != JsonToken.END_ARRAY) {
          item.reset();
          item.read(p);
          trade(receiveTimeNs);
        }
        return;
      case "book":
        // book.{instrument}.{interval} is incremental; the grouped book.{instrument}.{group}.{depth}.{interval}
        // is a different (snapshot-only, [price, amount]) format this feed does not take.
        if (dotCount(channel) != 2) {
          throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL, "unsupported book channel \"" + channel + "\"");
        }
        item.reset();
        item.read(p);
        book(receiveTimeNs);
        return;
      case "ticker":
        item.reset();
        item.read(p);
        ticker(receiveTimeNs, true);
        return;
      case "quote":
        item.reset();
        item.read(p);
        ticker(receiveTimeNs, false);
        return;
      default:
        throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL, "unknown channel \"" + channel + "\"");
    }
  }

  private static int dotCount(String channel) {
    int count = 0;
    for (int i = 0; i < channel.length(); i++) {
      if (channel.charAt(i) == '.') {
        count++;
      }
    }
    return count;
  }

  private void trade(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instrument, "instrument_name");
    Side taker = JsonReading.lowerCaseSide(item.direction, "direction");
    long time = time(item.timestamp, "timestamp");
    String price = JsonReading.required(item.price, "price");
    String amount = JsonReading.required(item.amount, "amount");
    Trade built = trade.clear()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instrument)
        .setTradeId(JsonReading.required(item.tradeId, "trade_id"))
        .setSide(taker)
        .setPrice(price)
        .setAmount(amount)
        .setExchangeTimeNs(time)
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setTrade(built).build());
    if (item.liquidation != null) {
      // "T": the taker was liquidated, "M": the maker (whose order was on the other side), "MT": both.
      Side makerSide = taker == Side.SIDE_BUY ? Side.SIDE_SELL : Side.SIDE_BUY;
      if (item.liquidation.indexOf('M') >= 0) {
        liquidation(instrument, makerSide, price, amount, time, receiveTimeNs);
      }
      if (item.liquidation.indexOf('T') >= 0) {
        liquidation(instrument, taker, price, amount, time, receiveTimeNs);
      }
    }
  }

  private void liquidation(Instrument instrument, Side side, String price, String amount, long time,
      long receiveTimeNs) {
    Liquidation liquidation = Liquidation.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instrument)
        .setSide(side)
        .setPrice(price)
        .setAmount(amount)
        .setOrderId(item.tradeId)
        .setExchangeTimeNs(time)
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setLiquidation(liquidation).build());
  }

  private void book(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instrument, "instrument_name");
    if (!item.hasBids || !item.hasAsks) {
      throw JsonReading.missing(item.hasBids ? "asks" : "bids");
    }
    if (item.changeId == DeribitItem.ABSENT) {
      throw JsonReading.missing("change_id");
    }
    long time = time(item.timestamp, "timestamp");
    SequencedBook book = books.computeIfAbsent(item.instrument, name -> new SequencedBook());
    if ("snapshot".equals(item.type)) {
      book.replaceLevels(item.bids, item.asks);
      book.markSynced(item.changeId);
      BookSnapshot snapshot = BookSnapshot.newBuilder()
          .setExchange(EXCHANGE)
          .setSymbol(instrument.getSymbol())
          .setNativeSymbol(item.instrument)
          .addAllBids(item.bids)
          .addAllAsks(item.asks)
          .setExchangeTimeNs(time)
          .setReceiveTimeNs(receiveTimeNs)
          .setLastSequence(item.changeId)
          .build();
      emit(MarketEvent.newBuilder().setBookSnapshot(snapshot).build());
      return;
    }
    if (!"change".equals(item.type)) {
      throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "unknown book message type \"" + item.type + "\"");
    }
    if (!book.isSynced()) {
      if (book.firstUpdateWithoutSnapshot()) {
        requestResync(item.instrument, ResyncReason.NO_SNAPSHOT, item.instrument + ": change before any snapshot, skipped");
      }
      return;
    }
    if (item.prevChangeId == DeribitItem.ABSENT) {
      throw JsonReading.missing("prev_change_id");
    }
    if (!book.isFollowedBy(item.prevChangeId)) {
      long expected = book.lastSequence();
      book.reset();
      requestResync(item.instrument, ResyncReason.SEQUENCE_GAP,
          item.instrument + ": expected prev_change_id " + expected + ", got " + item.prevChangeId);
      return;
    }
    book.levels().apply(item.bids, item.asks);
    book.markSynced(item.changeId);
    BookDelta delta = BookDelta.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instrument)
        .addAllBids(item.bids)
        .addAllAsks(item.asks)
        .setExchangeTimeNs(time)
        .setReceiveTimeNs(receiveTimeNs)
        .setLastSequence(item.changeId)
        .setPrevSequence(item.prevChangeId)
        .build();
    emit(MarketEvent.newBuilder().setBookDelta(delta).build());
  }

  private void ticker(long receiveTimeNs, boolean full) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instrument, "instrument_name");
    long time = time(item.timestamp, "timestamp");
    Ticker.Builder ticker = Ticker.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instrument)
        .setExchangeTimeNs(time)
        .setReceiveTimeNs(receiveTimeNs)
        .setLastPrice(nonNull(item.lastPrice));
    // Deribit reports an empty side as price null or amount 0; the contract's "empty side" is "".
    if (!isEmptySide(item.bestBidPrice, item.bestBidAmount)) {
      ticker.setBidPrice(item.bestBidPrice).setBidAmount(item.bestBidAmount);
    }
    if (!isEmptySide(item.bestAskPrice, item.bestAskAmount)) {
      ticker.setAskPrice(item.bestAskPrice).setAskAmount(item.bestAskAmount);
    }
    emit(MarketEvent.newBuilder().setTicker(ticker).build());
    if (!full) {
      return;
    }
    if (instrument.getType() == InstrumentType.INSTRUMENT_TYPE_PERPETUAL && !nonNull(item.currentFunding).isEmpty()) {
      FundingRate funding = FundingRate.newBuilder()
          .setExchange(EXCHANGE)
          .setSymbol(instrument.getSymbol())
          .setNativeSymbol(item.instrument)
          .setRate(item.currentFunding)
          .setMarkPrice(nonNull(item.markPrice))
          .setIndexPrice(nonNull(item.indexPrice))
          .setExchangeTimeNs(time)
          .setReceiveTimeNs(receiveTimeNs)
          .build();
      emit(MarketEvent.newBuilder().setFundingRate(funding).build());
    }
    if (instrument.getType() != InstrumentType.INSTRUMENT_TYPE_SPOT && !nonNull(item.openInterest).isEmpty()) {
      OpenInterest interest = OpenInterest.newBuilder()
          .setExchange(EXCHANGE)
          .setSymbol(instrument.getSymbol())
          .setNativeSymbol(item.instrument)
          .setAmount(item.openInterest)
          .setExchangeTimeNs(time)
          .setReceiveTimeNs(receiveTimeNs)
          .build();
      emit(MarketEvent.newBuilder().setOpenInterest(interest).build());
    }
  }

  private static boolean isEmptySide(String price, String amount) {
    return price == null || price.isEmpty() || amount == null || amount.isEmpty() || Decimals.isZero(amount);
  }

  private static long time(long millis, String field) throws FrameRejectedException {
    if (millis == DeribitItem.ABSENT) {
      throw JsonReading.missing(field);
    }
    return JsonReading.millisToNanos(millis, field);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
