package io.marketprism.collector.exchange.okx;

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
 * One element of an OKX push's "data" array, whatever the channel, read in one streaming pass into slots
 * reused from item to item (one instance per feed). OKX sends every number as a string.
 */
final class OkxItem {
  static final long ABSENT = Long.MIN_VALUE;

  String instId;
  String tradeId;
  String price;
  String size;
  String side;
  long ts;
  final List<Level> bids = new ArrayList<>();
  final List<Level> asks = new ArrayList<>();
  boolean hasBids;
  boolean hasAsks;
  boolean hasChecksum;
  int checksum;
  long seqId;
  long prevSeqId;
  String last;
  String bidPx;
  String bidSz;
  String askPx;
  String askSz;
  String fundingRate;
  String nextFundingRate;
  long fundingTime;
  long nextFundingTime;
  String openInterest;
  String openInterestUsd;
  /** liquidation-orders: each detail's side, bankruptcy price, size and time, flattened four by four. */
  final List<String> liquidations = new ArrayList<>();

  private final RecentStrings recent;

  OkxItem(RecentStrings recent) {
    this.recent = recent;
  }

  void reset() {
    instId = null;
    tradeId = null;
    price = null;
    size = null;
    side = null;
    ts = ABSENT;
    bids.clear();
    asks.clear();
    hasBids = false;
    hasAsks = false;
    hasChecksum = false;
    seqId = ABSENT;
    prevSeqId = ABSENT;
    last = null;
    bidPx = null;
    bidSz = null;
    askPx = null;
    askSz = null;
    fundingRate = null;
    nextFundingRate = null;
    fundingTime = ABSENT;
    nextFundingTime = ABSENT;
    openInterest = null;
    openInterestUsd = null;
    liquidations.clear();
  }

  /** Reads the object the parser is at. */
  void read(JsonParser p) throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_OBJECT, "an element of \"data\"");
    String name;
    while ((name = p.nextFieldName()) != null) {
      p.nextToken();
      switch (name) {
        case "instId":
          instId = JsonReading.repeatedText(p, name, recent);
          break;
        case "tradeId":
          tradeId = JsonReading.text(p, name);
          break;
        case "px":
          price = JsonReading.decimal(p, name);
          break;
        case "sz":
          size = JsonReading.decimal(p, name);
          break;
        case "side":
          side = JsonReading.repeatedText(p, name, recent);
          break;
        case "ts":
          ts = JsonReading.integer(p, name);
          break;
        case "bids":
          hasBids = true;
          readLevels(p, bids, name);
          break;
        case "asks":
          hasAsks = true;
          readLevels(p, asks, name);
          break;
        case "checksum":
          long value = JsonReading.integer(p, name);
          if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new FrameRejectedException(RejectReason.BAD_NUMBER, "checksum out of int32 range: " + value);
          }
          hasChecksum = true;
          checksum = (int) value;
          break;
        case "seqId":
          seqId = JsonReading.integer(p, name);
          break;
        case "prevSeqId":
          prevSeqId = JsonReading.integer(p, name);
          break;
        case "last":
          last = JsonReading.decimal(p, name);
          break;
        case "bidPx":
          bidPx = JsonReading.decimal(p, name);
          break;
        case "bidSz":
          bidSz = JsonReading.decimal(p, name);
          break;
        case "askPx":
          askPx = JsonReading.decimal(p, name);
          break;
        case "askSz":
          askSz = JsonReading.decimal(p, name);
          break;
        case "fundingRate":
          fundingRate = JsonReading.decimal(p, name);
          break;
        case "nextFundingRate":
          nextFundingRate = JsonReading.decimal(p, name);
          break;
        case "fundingTime":
          fundingTime = optionalInteger(p, name);
          break;
        case "nextFundingTime":
          nextFundingTime = optionalInteger(p, name);
          break;
        case "oi":
          openInterest = JsonReading.decimal(p, name);
          break;
        case "oiUsd":
          openInterestUsd = JsonReading.decimal(p, name);
          break;
        case "details":
          readLiquidations(p);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  private static long optionalInteger(JsonParser p, String name) throws IOException, FrameRejectedException {
    if (p.currentToken() == JsonToken.VALUE_STRING && p.getTextLength() == 0) {
      return ABSENT;
    }
    return JsonReading.integer(p, name);
  }

  private void readLiquidations(JsonParser p) throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_ARRAY, "\"details\"");
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String detailSide = null;
      String bankruptcyPrice = null;
      String detailSize = null;
      String time = null;
      String name;
      while ((name = p.nextFieldName()) != null) {
        p.nextToken();
        switch (name) {
          case "side":
            detailSide = JsonReading.text(p, name);
            break;
          case "bkPx":
            bankruptcyPrice = JsonReading.decimal(p, name);
            break;
          case "sz":
            detailSize = JsonReading.decimal(p, name);
            break;
          case "ts":
            time = Long.toString(JsonReading.integer(p, name));
            break;
          default:
            p.skipChildren();
        }
      }
      liquidations.add(detailSide);
      liquidations.add(bankruptcyPrice);
      liquidations.add(detailSize);
      liquidations.add(time);
    }
    JsonReading.expect(p, JsonToken.END_ARRAY, "an element of \"details\"");
  }

  /** Reads [["px","sz","0","numOrders"], ...]; the deprecated third and the order count are not kept. */
  private static void readLevels(JsonParser p, List<Level> into, String name)
      throws IOException, FrameRejectedException {
    JsonReading.expect(p, JsonToken.START_ARRAY, "\"" + name + "\"");
    into.clear();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      p.nextToken();
      String levelPrice = JsonReading.decimal(p, name);
      p.nextToken();
      String levelSize = JsonReading.decimal(p, name);
      if (levelPrice.isEmpty() || levelSize.isEmpty()) {
        throw new FrameRejectedException(RejectReason.BAD_DECIMAL, "empty price or size in \"" + name + "\"");
      }
      while (p.nextToken() != JsonToken.END_ARRAY) {
        p.skipChildren();
      }
      into.add(Level.newBuilder().setPrice(levelPrice).setAmount(levelSize).build());
    }
    JsonReading.expect(p, JsonToken.END_ARRAY, "a level of \"" + name + "\"");
  }
}
