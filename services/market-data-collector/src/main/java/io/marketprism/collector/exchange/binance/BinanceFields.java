package io.marketprism.collector.exchange.binance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.marketprism.collector.exchange.FrameRejectedException;
import io.marketprism.collector.exchange.JsonReading;
import io.marketprism.collector.exchange.RecentStrings;
import io.marketprism.collector.exchange.RejectReason;
import io.marketprism.marketdata.v1.Level;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one Binance payload, read in a single streaming pass whatever their order, into slots
 * reused from frame to frame (one instance per feed, so reading a frame allocates only the strings the
 * events need). Binance reuses one-letter keys across events with different types ("b" is the bid array of
 * a depth update and the best bid price of a book ticker), so arrays and scalars have separate slots.
 */
final class BinanceFields {
  static final long ABSENT = Long.MIN_VALUE;

  String event;
  long eventTime;
  String symbol;
  String tradeId;
  String price;
  String quantity;
  long tradeTime;
  int buyerIsMaker; // -1 absent, 0 false, 1 true
  boolean hasSpotFlag; // "M": spot trade/aggTrade frames carry it, futures ones do not
  String aggregateId; // "a" as a scalar: aggTrade id, or a book ticker's best ask price
  String bestBidQty;
  String bestAskQty;
  String bestBid;
  long firstUpdateId;
  long lastUpdateIdOfEvent;
  long previousUpdateId;
  final List<Level> bids = new ArrayList<>();
  final List<Level> asks = new ArrayList<>();
  boolean hasBidArray;
  boolean hasAskArray;
  String fundingRate;
  String indexPrice;
  String side;
  String averagePrice;
  long snapshotLastUpdateId;
  String openInterest;
  long time;
  boolean hasResult;
  String errorCode;
  String errorMessage;
  BinanceFields order; // forceOrder's "o" object
  private final RecentStrings recent;

  BinanceFields(RecentStrings recent) {
    this.recent = recent;
  }

  void reset() {
    event = null;
    eventTime = ABSENT;
    symbol = null;
    tradeId = null;
    price = null;
    quantity = null;
    tradeTime = ABSENT;
    buyerIsMaker = -1;
    hasSpotFlag = false;
    aggregateId = null;
    bestBidQty = null;
    bestAskQty = null;
    bestBid = null;
    firstUpdateId = ABSENT;
    lastUpdateIdOfEvent = ABSENT;
    previousUpdateId = ABSENT;
    bids.clear();
    asks.clear();
    hasBidArray = false;
    hasAskArray = false;
    fundingRate = null;
    indexPrice = null;
    side = null;
    averagePrice = null;
    snapshotLastUpdateId = ABSENT;
    openInterest = null;
    time = ABSENT;
    hasResult = false;
    errorCode = null;
    errorMessage = null;
    if (order != null) {
      order.reset();
    }
  }

  /**
   * Reads the object the parser is at (its START_OBJECT is current). A combined-stream wrapper
   * ({"stream":..,"data":{..}}) is unwrapped: its "data" fields land in this same instance.
   */
  void read(JsonParser p) throws IOException, FrameRejectedException {
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "data":
          JsonReading.expect(p, JsonToken.START_OBJECT, "\"data\"");
          read(p);
          break;
        case "e":
          event = JsonReading.repeatedText(p, name, recent);
          break;
        case "E":
          eventTime = JsonReading.integer(p, name);
          break;
        case "s":
          symbol = JsonReading.repeatedText(p, name, recent);
          break;
        case "t":
          tradeId = JsonReading.text(p, name);
          break;
        case "p":
          price = JsonReading.decimal(p, name);
          break;
        case "q":
          quantity = JsonReading.decimal(p, name);
          break;
        case "T":
          tradeTime = JsonReading.integer(p, name);
          break;
        case "m":
          buyerIsMaker = bool(p, name) ? 1 : 0;
          break;
        case "M":
          hasSpotFlag = true;
          break;
        case "a":
          if (value == JsonToken.START_ARRAY) {
            hasAskArray = true;
            readLevels(p, asks, name);
          } else if (value == JsonToken.VALUE_STRING) {
            aggregateId = JsonReading.decimal(p, name);
          } else {
            aggregateId = JsonReading.text(p, name);
          }
          break;
        case "b":
          if (value == JsonToken.START_ARRAY) {
            hasBidArray = true;
            readLevels(p, bids, name);
          } else {
            bestBid = JsonReading.decimal(p, name);
          }
          break;
        case "bids":
          JsonReading.expect(p, JsonToken.START_ARRAY, "\"bids\"");
          hasBidArray = true;
          readLevels(p, bids, name);
          break;
        case "asks":
          JsonReading.expect(p, JsonToken.START_ARRAY, "\"asks\"");
          hasAskArray = true;
          readLevels(p, asks, name);
          break;
        case "B":
          bestBidQty = JsonReading.decimal(p, name);
          break;
        case "A":
          bestAskQty = JsonReading.decimal(p, name);
          break;
        case "U":
          firstUpdateId = JsonReading.integer(p, name);
          break;
        case "u":
          lastUpdateIdOfEvent = JsonReading.integer(p, name);
          break;
        case "pu":
          previousUpdateId = JsonReading.integer(p, name);
          break;
        case "r":
          fundingRate = JsonReading.decimal(p, name);
          break;
        case "i":
          indexPrice = JsonReading.decimal(p, name);
          break;
        case "S":
          side = JsonReading.repeatedText(p, name, recent);
          break;
        case "ap":
          averagePrice = JsonReading.decimal(p, name);
          break;
        case "o":
          if (value == JsonToken.START_OBJECT) {
            if (order == null) {
              order = new BinanceFields(recent);
              order.reset();
            }
            order.read(p);
          } else {
            p.skipChildren();
          }
          break;
        case "lastUpdateId":
          snapshotLastUpdateId = JsonReading.integer(p, name);
          break;
        case "openInterest":
          openInterest = JsonReading.decimal(p, name);
          break;
        case "symbol":
          symbol = JsonReading.repeatedText(p, name, recent);
          break;
        case "time":
          time = JsonReading.integer(p, name);
          break;
        case "result":
          hasResult = true;
          p.skipChildren();
          break;
        case "code":
          errorCode = JsonReading.text(p, name);
          break;
        case "msg":
          errorMessage = value == JsonToken.VALUE_NULL ? null : JsonReading.text(p, name);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static boolean bool(JsonParser p, String name) throws FrameRejectedException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (token == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "field \"" + name + "\" is not a boolean");
  }

  /** Reads [["price","qty"], ...]. */
  private static void readLevels(JsonParser p, List<Level> into, String name)
      throws IOException, FrameRejectedException {
    into.clear();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      String price = JsonReading.decimal(p, name);
      p.nextToken();
      String amount = JsonReading.decimal(p, name);
      if (price.isEmpty() || amount.isEmpty()) {
        throw new FrameRejectedException(RejectReason.BAD_DECIMAL, "empty price or amount in \"" + name + "\"");
      }
      // Tolerate extra elements in a level; Binance sends exactly two today.
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren();
      }
      into.add(Level.newBuilder().setPrice(price).setAmount(amount).build());
    }
    JsonReading.expect(p, JsonToken.END_ARRAY, "a level of \"" + name + "\"");
  }
}
