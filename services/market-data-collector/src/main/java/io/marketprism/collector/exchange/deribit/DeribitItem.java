package io.marketprism.collector.exchange.deribit;

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
 * One Deribit notification payload (a trade, a book message or a ticker), read in one streaming pass into
 * slots reused from item to item. Deribit sends prices and amounts as JSON numbers: their literal text is
 * kept (see {@link JsonReading#decimal}).
 */
final class DeribitItem {
  static final long ABSENT = Long.MIN_VALUE;
  private static final String ZERO = "0";

  String instrument;
  String tradeId;
  String direction;
  String price;
  String amount;
  long timestamp;
  String liquidation;
  String type;
  long changeId;
  long prevChangeId;
  final List<Level> bids = new ArrayList<>();
  final List<Level> asks = new ArrayList<>();
  boolean hasBids;
  boolean hasAsks;
  String bestBidPrice;
  String bestBidAmount;
  String bestAskPrice;
  String bestAskAmount;
  String lastPrice;
  String markPrice;
  String indexPrice;
  String currentFunding;
  String openInterest;

  private final RecentStrings recent;

  DeribitItem(RecentStrings recent) {
    this.recent = recent;
  }

  void reset() {
    instrument = null;
    tradeId = null;
    direction = null;
    price = null;
    amount = null;
    timestamp = ABSENT;
    liquidation = null;
    type = null;
    changeId = ABSENT;
    prevChangeId = ABSENT;
    bids.clear();
    asks.clear();
    hasBids = false;
    hasAsks = false;
    bestBidPrice = null;
    bestBidAmount = null;
    bestAskPrice = null;
    bestAskAmount = null;
    lastPrice = null;
    markPrice = null;
    indexPrice = null;
    currentFunding = null;
    openInterest = null;
  }

  void read(JsonParser p) throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_OBJECT, "the notification data");
    String name;
    while ((name = p.nextFieldName()) != null) {
      p.nextToken();
      switch (name) {
        case "instrument_name":
          instrument = JsonReading.repeatedText(p, name, recent);
          break;
        case "trade_id":
          tradeId = JsonReading.text(p, name);
          break;
        case "direction":
          direction = JsonReading.repeatedText(p, name, recent);
          break;
        case "price":
          price = JsonReading.decimal(p, name);
          break;
        case "amount":
          amount = JsonReading.decimal(p, name);
          break;
        case "timestamp":
          timestamp = JsonReading.integer(p, name);
          break;
        case "liquidation":
          liquidation = JsonReading.text(p, name);
          break;
        case "type":
          type = JsonReading.text(p, name);
          break;
        case "change_id":
          changeId = JsonReading.integer(p, name);
          break;
        case "prev_change_id":
          prevChangeId = JsonReading.integer(p, name);
          break;
        case "bids":
          hasBids = true;
          readEntries(p, bids, name);
          break;
        case "asks":
          hasAsks = true;
          readEntries(p, asks, name);
          break;
        case "best_bid_price":
          bestBidPrice = JsonReading.decimal(p, name);
          break;
        case "best_bid_amount":
          bestBidAmount = JsonReading.decimal(p, name);
          break;
        case "best_ask_price":
          bestAskPrice = JsonReading.decimal(p, name);
          break;
        case "best_ask_amount":
          bestAskAmount = JsonReading.decimal(p, name);
          break;
        case "last_price":
          lastPrice = JsonReading.decimal(p, name);
          break;
        case "mark_price":
          markPrice = JsonReading.decimal(p, name);
          break;
        case "index_price":
          indexPrice = JsonReading.decimal(p, name);
          break;
        case "current_funding":
          currentFunding = JsonReading.decimal(p, name);
          break;
        case "open_interest":
          openInterest = JsonReading.decimal(p, name);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  /** Reads [["new"|"change"|"delete", price, amount], ...]; a delete becomes amount "0". */
  private static void readEntries(JsonParser p, List<Level> into, String name)
      throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_ARRAY, "\"" + name + "\"");
    into.clear();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      String action = JsonReading.text(p, name);
      p.nextToken();
      String levelPrice = JsonReading.decimal(p, name);
      p.nextToken();
      String levelAmount = JsonReading.decimal(p, name);
      if (levelPrice.isEmpty() || levelAmount.isEmpty()) {
        throw new FrameRejectedException(RejectReason.BAD_DECIMAL, "empty price or amount in \"" + name + "\"");
      }
      switch (action) {
        case "new":
        case "change":
          break;
        case "delete":
          levelAmount = ZERO;
          break;
        default:
          throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME,
              "unknown book action \"" + action + "\" in \"" + name + "\"");
      }
      if (p.nextToken() != JsonToken.END_ARRAY) {
        throw new FrameRejectedException(RejectReason.UNEXPECTED_FRAME, "a level of \"" + name + "\" has extra values");
      }
      into.add(Level.newBuilder().setPrice(levelPrice).setAmount(levelAmount).build());
    }
    JsonReading.expect(p, JsonToken.END_ARRAY, "a level of \"" + name + "\"");
  }
}
