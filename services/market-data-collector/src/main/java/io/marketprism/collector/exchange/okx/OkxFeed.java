package io.marketprism.collector.exchange.okx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
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
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OKX v5 public channels. A push is {@code {"arg":{"channel":..,"instId":..},"action":..,"data":[..]}}.
 *
 * <table>
 *   <caption>Channels</caption>
 *   <tr><th>OKX</th><th>normalized</th></tr>
 *   <tr><td>{@code trades}, {@code trades-all}</td><td>Trade</td></tr>
 *   <tr><td>{@code books}, {@code books-l2-tbt}, {@code books50-l2-tbt} (snapshot, then updates)</td>
 *       <td>BookSnapshot, BookDelta</td></tr>
 *   <tr><td>{@code books5} (a snapshot every push)</td><td>BookSnapshot</td></tr>
 *   <tr><td>{@code bbo-tbt}, {@code tickers}</td><td>Ticker</td></tr>
 *   <tr><td>{@code funding-rate}</td><td>FundingRate</td></tr>
 *   <tr><td>{@code liquidation-orders}</td><td>Liquidation (one per detail)</td></tr>
 *   <tr><td>{@code open-interest}</td><td>OpenInterest</td></tr>
 * </table>
 *
 * <p>Books: the snapshot seeds the book; each update must have {@code prevSeqId} equal to the previous
 * {@code seqId}, and after applying it the CRC32 of the top 25 levels must equal the exchange's
 * {@code checksum} ({@link OkxChecksum}). The checksum is verified before anything is emitted, so a bad
 * update never leaves the feed; the book then waits for a new snapshot (the connection resubscribes).
 * Frames from before OKX added {@code seqId}/{@code prevSeqId} (2023, still found in recordings) carry only the
 * checksum: the book is then validated by the checksum alone, and its events carry no sequence fields.
 * Control frames: {@code pong}, {@code {"event":"subscribe"|"unsubscribe"|"notice"|"channel-conn-count"}};
 * {@code {"event":"error"}} is counted as an exchange-error reject.
 *
 * <p>Not thread-safe (see {@link ExchangeFeed}).
 */
public final class OkxFeed extends ExchangeFeed {
  /** Lower-case exchange name. */
  public static final String EXCHANGE = "okx";

  private final OkxSymbols symbols = new OkxSymbols();
  private final InstrumentCache instruments = new InstrumentCache(symbols::fromNative, "instrument");
  private final Map<String, SequencedBook> books = new HashMap<>();
  private final OkxItem item = new OkxItem(recentStrings);
  private final OkxChecksum checksum = new OkxChecksum();
  private final Trade.Builder trade = Trade.newBuilder();

  public OkxFeed(FeedListener listener) {
    super(EXCHANGE, listener);
  }

  @Override
  public void resetBooks() {
    for (SequencedBook book : books.values()) {
      book.reset();
    }
  }

  /** Per-frame values of the envelope. */
  private static final class Envelope {
    String event;
    String channel;
    String argInstId;
    String action;
    String code;
    String message;
  }

  @Override
  protected FrameOutcome parse(CharSequence frame, long receiveTimeNs) throws IOException, FrameRejectedException {
    if (isPong(frame)) {
      return FrameOutcome.CONTROL;
    }
    Envelope envelope = new Envelope();
    TokenBuffer dataBeforeArg = null;
    boolean sawData = false;
    try (JsonParser p = parser(frame)) {
      p.nextToken();
      JsonReading.expect(p, JsonToken.START_OBJECT, "the frame");
      String name;
      while ((name = p.nextFieldName()) != null) {
        p.nextToken();
        switch (name) {
          case "event":
            envelope.event = JsonReading.repeatedText(p, name, recentStrings);
            break;
          case "arg":
            readArg(p, envelope);
            break;
          case "action":
            envelope.action = JsonReading.repeatedText(p, name, recentStrings);
            break;
          case "code":
            envelope.code = JsonReading.text(p, name);
            break;
          case "msg":
            envelope.message = JsonReading.text(p, name);
            break;
          case "data":
            sawData = true;
            if (envelope.channel == null) {
              // Rare: OKX sends "arg" first. Keep the data until the channel says how to read it.
              dataBeforeArg = new TokenBuffer(p, null).forceUseOfBigDecimal(true); // exact numbers
              dataBeforeArg.copyCurrentStructure(p);
            } else {
              readData(p, envelope, receiveTimeNs);
            }
            break;
          default:
            p.skipChildren();
        }
      }
      JsonReading.expectEnd(p);
    }
    if (envelope.event != null) {
      if (envelope.event.equals("error")) {
        throw new FrameRejectedException(RejectReason.EXCHANGE_ERROR,
            "exchange error " + envelope.code + ": " + envelope.message);
      }
      return FrameOutcome.CONTROL;
    }
    if (!sawData) {
      throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "neither \"event\" nor \"data\"");
    }
    if (dataBeforeArg != null) {
      if (envelope.channel == null) {
        throw JsonReading.missing("arg.channel");
      }
      try (JsonParser replay = dataBeforeArg.asParser()) {
        replay.nextToken();
        readData(replay, envelope, receiveTimeNs);
      }
    }
    return FrameOutcome.DATA;
  }

  private static boolean isPong(CharSequence frame) {
    return frame.length() == 4 && frame.toString().equals("pong");
  }

  private void readArg(JsonParser p, Envelope envelope) throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_OBJECT, "\"arg\"");
    String name;
    while ((name = p.nextFieldName()) != null) {
      p.nextToken();
      if (name.equals("channel")) {
        envelope.channel = JsonReading.repeatedText(p, name, recentStrings);
      } else if (name.equals("instId")) {
        envelope.argInstId = JsonReading.repeatedText(p, name, recentStrings);
      } else {
        p.skipChildren();
      }
    }
  }

  private void readData(JsonParser p, Envelope envelope, long receiveTimeNs)
      throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_ARRAY, "\"data\"");
    Channel channel = Channel.of(envelope.channel);
    if (channel == Channel.UNKNOWN) {
      throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL, "unknown channel \"" + envelope.channel + "\"");
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      item.reset();
      item.read(p);
      if (item.instId == null) {
        item.instId = envelope.argInstId;
      }
      switch (channel) {
        case TRADES:
          trade(receiveTimeNs);
          break;
        case BOOK:
          book(envelope, receiveTimeNs);
          break;
        case BOOK_SNAPSHOTS:
          emitSnapshot(instruments.get(item.instId, "instId"), depthOf(envelope.channel), receiveTimeNs);
          break;
        case BBO:
          bbo(receiveTimeNs);
          break;
        case TICKERS:
          ticker(receiveTimeNs);
          break;
        case FUNDING:
          funding(receiveTimeNs);
          break;
        case LIQUIDATIONS:
          liquidations(receiveTimeNs);
          break;
        case OPEN_INTEREST:
          openInterest(receiveTimeNs);
          break;
        default:
          throw new FrameRejectedException(RejectReason.UNKNOWN_CHANNEL,
              "unknown channel \"" + envelope.channel + "\"");
      }
    }
  }

  /** The OKX channels this feed reads, grouped by how their data is normalized. */
  private enum Channel {
    TRADES, BOOK, BOOK_SNAPSHOTS, BBO, TICKERS, FUNDING, LIQUIDATIONS, OPEN_INTEREST, UNKNOWN;

    static Channel of(String name) {
      switch (name) {
        case "trades":
        case "trades-all":
          return TRADES;
        case "books":
        case "books-l2-tbt":
        case "books50-l2-tbt":
          return BOOK;
        case "books5":
          return BOOK_SNAPSHOTS;
        case "bbo-tbt":
          return BBO;
        case "tickers":
          return TICKERS;
        case "funding-rate":
          return FUNDING;
        case "liquidation-orders":
          return LIQUIDATIONS;
        case "open-interest":
          return OPEN_INTEREST;
        default:
          return UNKNOWN;
      }
    }
  }

  private static int depthOf(String channel) {
    switch (channel) {
      case "books5":
        return 5;
      case "books50-l2-tbt":
        return 50;
      default:
        return 400;
    }
  }

  private void trade(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    Trade built = trade.clear()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instId)
        .setTradeId(JsonReading.required(item.tradeId, "tradeId"))
        .setSide(JsonReading.lowerCaseSide(item.side, "side"))
        .setPrice(JsonReading.required(item.price, "px"))
        .setAmount(JsonReading.required(item.size, "sz"))
        .setExchangeTimeNs(time(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setTrade(built).build());
  }

  private void book(Envelope envelope, long receiveTimeNs) throws FrameRejectedException {
    if (envelope.action == null) {
      // OKX puts "action" before "data"; without it an update could be mistaken for a snapshot.
      throw JsonReading.missing("action");
    }
    Instrument instrument = instruments.get(item.instId, "instId");
    if (!item.hasBids || !item.hasAsks) {
      throw JsonReading.missing(item.hasBids ? "asks" : "bids");
    }
    if (item.seqId == OkxItem.ABSENT && !item.hasChecksum) {
      // neither the sequence ids nor the older frames' checksum: nothing would tell a gap from a good book
      throw JsonReading.missing("seqId");
    }
    SequencedBook book = books.computeIfAbsent(item.instId, id -> new SequencedBook());
    switch (envelope.action) {
      case "snapshot":
        book.replaceLevels(item.bids, item.asks);
        if (!checksumMatches(book, instrument)) {
          return;
        }
        book.markSynced(item.seqId);
        emitSnapshot(instrument, depthOf(envelope.channel), receiveTimeNs);
        return;
      case "update":
        update(book, instrument, receiveTimeNs);
        return;
      default:
        throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "unknown action \"" + envelope.action + "\"");
    }
  }

  private void update(SequencedBook book, Instrument instrument, long receiveTimeNs) throws FrameRejectedException {
    if (!book.isSynced()) {
      // Waiting for the snapshot a (re)subscribe brings. After a gap that was reported already; an update
      // with no snapshot ever seen is reported once.
      if (book.firstUpdateWithoutSnapshot()) {
        requestResync(item.instId, ResyncReason.NO_SNAPSHOT, item.instId + ": update before any snapshot, skipped");
      }
      return;
    }
    boolean sequenced = item.seqId != OkxItem.ABSENT;
    if (sequenced && item.prevSeqId == OkxItem.ABSENT) {
      throw JsonReading.missing("prevSeqId");
    }
    if (sequenced && !book.isFollowedBy(item.prevSeqId)) {
      long expected = book.lastSequence();
      book.reset();
      requestResync(item.instId, ResyncReason.SEQUENCE_GAP,
          item.instId + ": expected prevSeqId " + expected + ", got " + item.prevSeqId);
      return;
    }
    book.levels().apply(item.bids, item.asks);
    if (!checksumMatches(book, instrument)) {
      return;
    }
    book.markSynced(item.seqId);
    if (item.bids.isEmpty() && item.asks.isEmpty()) {
      return; // keep-alive: nothing changed, nothing to publish
    }
    BookDelta.Builder delta = BookDelta.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instId)
        .addAllBids(item.bids)
        .addAllAsks(item.asks)
        .setExchangeTimeNs(time(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs);
    if (sequenced) {
      delta.setLastSequence(item.seqId).setPrevSequence(item.prevSeqId);
    }
    if (item.hasChecksum) {
      delta.setChecksum(item.checksum);
    }
    emit(MarketEvent.newBuilder().setBookDelta(delta).build());
  }

  /** Verifies the exchange's checksum (when it sent one); on a mismatch the book waits for a snapshot. */
  private boolean checksumMatches(SequencedBook book, Instrument instrument) {
    if (!item.hasChecksum) {
      return true;
    }
    int local = checksum.of(book.levels());
    if (local == item.checksum) {
      return true;
    }
    book.reset();
    requestResync(item.instId, ResyncReason.CHECKSUM_MISMATCH, instrument.getNativeSymbol()
        + ": checksum " + item.checksum + " from OKX, " + local + " computed"
        + (item.seqId == OkxItem.ABSENT ? " (frame without seqId)" : " at seqId " + item.seqId));
    return false;
  }

  private void emitSnapshot(Instrument instrument, int depth, long receiveTimeNs) throws FrameRejectedException {
    BookSnapshot.Builder snapshot = BookSnapshot.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(instrument.getNativeSymbol())
        .addAllBids(item.bids)
        .addAllAsks(item.asks)
        .setExchangeTimeNs(time(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs)
        .setDepth(depth);
    if (item.seqId != OkxItem.ABSENT) {
      snapshot.setLastSequence(item.seqId);
    }
    if (item.hasChecksum) {
      snapshot.setChecksum(item.checksum);
    }
    emit(MarketEvent.newBuilder().setBookSnapshot(snapshot).build());
  }

  private void bbo(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    Ticker.Builder ticker = tickerOf(instrument, receiveTimeNs);
    if (!item.bids.isEmpty()) {
      Level best = item.bids.get(0);
      ticker.setBidPrice(best.getPrice()).setBidAmount(best.getAmount());
    }
    if (!item.asks.isEmpty()) {
      Level best = item.asks.get(0);
      ticker.setAskPrice(best.getPrice()).setAskAmount(best.getAmount());
    }
    if (item.seqId != OkxItem.ABSENT) {
      ticker.setLastSequence(item.seqId);
    }
    emit(MarketEvent.newBuilder().setTicker(ticker).build());
  }

  private void ticker(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    Ticker.Builder ticker = tickerOf(instrument, receiveTimeNs)
        .setBidPrice(nonNull(item.bidPx))
        .setBidAmount(nonNull(item.bidSz))
        .setAskPrice(nonNull(item.askPx))
        .setAskAmount(nonNull(item.askSz))
        .setLastPrice(nonNull(item.last));
    emit(MarketEvent.newBuilder().setTicker(ticker).build());
  }

  private Ticker.Builder tickerOf(Instrument instrument, long receiveTimeNs) throws FrameRejectedException {
    return Ticker.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instId)
        .setExchangeTimeNs(time(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs);
  }

  private void funding(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    FundingRate funding = FundingRate.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instId)
        .setRate(JsonReading.required(item.fundingRate, "fundingRate"))
        .setNextRate(nonNull(item.nextFundingRate))
        .setFundingTimeNs(optionalTime(item.fundingTime, "fundingTime"))
        .setNextFundingTimeNs(optionalTime(item.nextFundingTime, "nextFundingTime"))
        .setExchangeTimeNs(optionalTime(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setFundingRate(funding).build());
  }

  private void liquidations(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    List<String> details = item.liquidations;
    for (int i = 0; i < details.size(); i += 4) {
      String time = JsonReading.required(details.get(i + 3), "details.ts");
      Liquidation liquidation = Liquidation.newBuilder()
          .setExchange(EXCHANGE)
          .setSymbol(instrument.getSymbol())
          .setNativeSymbol(item.instId)
          .setSide(JsonReading.lowerCaseSide(details.get(i), "side"))
          .setPrice(JsonReading.required(details.get(i + 1), "details.bkPx"))
          .setAmount(JsonReading.required(details.get(i + 2), "details.sz"))
          .setExchangeTimeNs(JsonReading.millisToNanos(Long.parseLong(time), "details.ts"))
          .setReceiveTimeNs(receiveTimeNs)
          .build();
      emit(MarketEvent.newBuilder().setLiquidation(liquidation).build());
    }
  }

  private void openInterest(long receiveTimeNs) throws FrameRejectedException {
    Instrument instrument = instruments.get(item.instId, "instId");
    OpenInterest interest = OpenInterest.newBuilder()
        .setExchange(EXCHANGE)
        .setSymbol(instrument.getSymbol())
        .setNativeSymbol(item.instId)
        .setAmount(JsonReading.required(item.openInterest, "oi"))
        .setValue(nonNull(item.openInterestUsd))
        .setExchangeTimeNs(time(item.ts, "ts"))
        .setReceiveTimeNs(receiveTimeNs)
        .build();
    emit(MarketEvent.newBuilder().setOpenInterest(interest).build());
  }

  private static long time(long millis, String field) throws FrameRejectedException {
    if (millis == OkxItem.ABSENT) {
      throw JsonReading.missing(field);
    }
    return JsonReading.millisToNanos(millis, field);
  }

  private static long optionalTime(long millis, String field) throws FrameRejectedException {
    return millis == OkxItem.ABSENT ? 0 : JsonReading.millisToNanos(millis, field);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
