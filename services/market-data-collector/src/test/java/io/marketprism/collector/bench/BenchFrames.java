package io.marketprism.collector.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic frames for the benchmarks: a random walk of prices with varying sizes, ids and times, in each
 * exchange's own format (the same shapes as the test fixtures), so no two consecutive frames are equal.
 */
final class BenchFrames {
  static final int COUNT = 4096;
  private static final long START_MS = 1_700_000_000_000L;

  private BenchFrames() {}

  static List<String> binanceTrades() {
    Random random = new Random(1);
    List<String> frames = new ArrayList<>(COUNT);
    long price = 4_221_990;
    for (int i = 0; i < COUNT; i++) {
      price += random.nextInt(21) - 10;
      frames.add("{\"e\":\"trade\",\"E\":" + (START_MS + i) + ",\"s\":\"BTCUSDT\",\"t\":" + (3_000_000_000L + i)
          + ",\"p\":\"" + cents(price) + "000\",\"q\":\"0." + (10_000 + random.nextInt(90_000)) + "000\",\"T\":"
          + (START_MS + i - 1) + ",\"m\":" + random.nextBoolean() + ",\"M\":true}");
    }
    return frames;
  }

  static List<String> binanceCombinedTrades() {
    List<String> raw = binanceTrades();
    List<String> frames = new ArrayList<>(raw.size());
    for (String frame : raw) {
      frames.add("{\"stream\":\"btcusdt@trade\",\"data\":" + frame + "}");
    }
    return frames;
  }

  /** Depth updates continuing each other from update id 1001; seed with {@link #binanceDepthSnapshot()}. */
  static List<String> binanceDepthUpdates() {
    Random random = new Random(2);
    List<String> frames = new ArrayList<>(COUNT);
    long id = 1001;
    for (int i = 0; i < COUNT; i++) {
      int bids = 1 + random.nextInt(5);
      int asks = 1 + random.nextInt(5);
      long last = id + bids + asks - 1;
      StringBuilder frame = new StringBuilder(256);
      frame.append("{\"e\":\"depthUpdate\",\"E\":").append(START_MS + i).append(",\"s\":\"BTCUSDT\",\"U\":")
          .append(id).append(",\"u\":").append(last).append(",\"b\":[");
      levels(frame, random, bids, 4_221_900);
      frame.append("],\"a\":[");
      levels(frame, random, asks, 4_222_000);
      frame.append("]}");
      frames.add(frame.toString());
      id = last + 1;
    }
    return frames;
  }

  static String binanceDepthSnapshot() {
    return "{\"lastUpdateId\":1000,\"bids\":[[\"42219.00\",\"1.5\"],[\"42218.50\",\"2\"]],"
        + "\"asks\":[[\"42220.00\",\"0.7\"],[\"42220.50\",\"3\"]]}";
  }

  private static void levels(StringBuilder frame, Random random, int count, long around) {
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        frame.append(',');
      }
      long price = around + 50L * (random.nextInt(40) - 20);
      // A fifth of the levels are removals, as in real feeds.
      String size = random.nextInt(5) == 0 ? "0.00000000" : "0." + (1000 + random.nextInt(9000)) + "0000";
      frame.append("[\"").append(cents(price)).append("\",\"").append(size).append("\"]");
    }
  }

  static List<String> okxTrades() {
    Random random = new Random(3);
    List<String> frames = new ArrayList<>(COUNT);
    long price = 4_221_990;
    for (int i = 0; i < COUNT; i++) {
      price += random.nextInt(21) - 10;
      frames.add("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":[{\"instId\":\"BTC-USDT\","
          + "\"tradeId\":\"" + (130_639_474 + i) + "\",\"px\":\"" + cents(price) + "\",\"sz\":\"0."
          + (1000 + random.nextInt(9000)) + "\",\"side\":\"" + (random.nextBoolean() ? "buy" : "sell")
          + "\",\"ts\":\"" + (START_MS + i) + "\",\"count\":\"1\",\"source\":\"0\"}]}");
    }
    return frames;
  }

  static List<String> deribitTrades() {
    Random random = new Random(4);
    List<String> frames = new ArrayList<>(COUNT);
    long price = 422_195;
    for (int i = 0; i < COUNT; i++) {
      price += random.nextInt(11) - 5;
      frames.add("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.BTC-PERPETUAL.raw\","
          + "\"data\":[{\"trade_seq\":" + (30_289_432 + i) + ",\"trade_id\":\"" + (48_079_254 + i) + "\",\"timestamp\":"
          + (START_MS + i) + ",\"tick_direction\":" + random.nextInt(4) + ",\"price\":" + (price / 10) + "."
          + (price % 10) + ",\"mark_price\":42219.12,\"instrument_name\":\"BTC-PERPETUAL\",\"index_price\":42215.33,"
          + "\"direction\":\"" + (random.nextBoolean() ? "buy" : "sell") + "\",\"amount\":" + (10 * (1 + random.nextInt(50)))
          + ".0}]}}");
    }
    return frames;
  }

  private static String cents(long value) {
    return value / 100 + "." + String.format("%02d", value % 100);
  }
}
