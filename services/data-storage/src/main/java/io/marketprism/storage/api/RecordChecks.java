package io.marketprism.storage.api;

import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Checks market-data records a client writes (WriteTrades, WriteTickers, WriteOrderBooks) against the contract of
 * {@code market_data.proto} and the columns they are stored in, adding violations named by their path in the request
 * ({@code trades[3].price}). Records that pass are what the collector would publish. Not thread-safe: one per request.
 */
final class RecordChecks {

  /**
   * Smallest event time accepted: 2001-09-09 in nanoseconds. Anything smaller is almost surely seconds, milliseconds
   * or microseconds sent where nanoseconds belong.
   */
  static final long MIN_TIME_NS = 1_000_000_000_000_000_000L;
  /** How far ahead of storage's clock an event time may be (clock skew of the writer). */
  static final long MAX_AHEAD_NS = TimeUnit.HOURS.toNanos(1);
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_LEVELS = 5000;

  /**
   * Plain decimals that fit the tables' {@code Decimal(38, 18)}: up to 20 integer and 18 fraction digits, no sign,
   * exponent or "+" (negative prices and sizes do not exist in market data).
   */
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,18})?");

  private final RequestChecks violations;
  private final Set<String> exchanges;
  private final long nowNs;

  RecordChecks(RequestChecks violations, Set<String> exchanges, long nowNs) {
    this.violations = violations;
    this.exchanges = exchanges;
    this.nowNs = nowNs;
  }

  /**
   * Checks that a batch in {@code field} holds 1 to {@code max} records; true if it does, and its records are worth
   * checking one by one (a batch over the limit is refused without listing its records' violations).
   */
  static boolean batchSize(RequestChecks violations, String field, int size, int max) {
    if (size == 0) {
      violations.add(field, "required: 1 to " + max + " records");
      return false;
    }
    if (size > max) {
      violations.add(field, "at most " + max + " records a call, got " + size);
      return false;
    }
    return true;
  }

  void trade(String path, Trade trade) {
    instrument(path, trade.getExchange(), trade.getSymbol(), trade.getNativeSymbol());
    if (trade.getTradeId().isEmpty()) {
      violations.add(path + ".trade_id", "required");
    } else if (trade.getTradeId().length() > MAX_ID_LENGTH) {
      violations.add(path + ".trade_id", "at most " + MAX_ID_LENGTH + " characters");
    }
    if (trade.getSide() != Side.SIDE_BUY && trade.getSide() != Side.SIDE_SELL) {
      violations.add(path + ".side", "required: SIDE_BUY or SIDE_SELL (the taker's side)");
    }
    positive(path + ".price", trade.getPrice());
    positive(path + ".amount", trade.getAmount());
    times(path, trade.getExchangeTimeNs(), trade.getReceiveTimeNs());
  }

  void ticker(String path, Ticker ticker) {
    instrument(path, ticker.getExchange(), ticker.getSymbol(), ticker.getNativeSymbol());
    boolean bid = optionalDecimal(path + ".bid_price", ticker.getBidPrice(), true);
    boolean ask = optionalDecimal(path + ".ask_price", ticker.getAskPrice(), true);
    optionalDecimal(path + ".last_price", ticker.getLastPrice(), true);
    optionalDecimal(path + ".bid_amount", ticker.getBidAmount(), false);
    optionalDecimal(path + ".ask_amount", ticker.getAskAmount(), false);
    if (ticker.getBidPrice().isEmpty() && ticker.getAskPrice().isEmpty() && ticker.getLastPrice().isEmpty()) {
      violations.add(path, "needs at least one of bid_price, ask_price, last_price");
    }
    if (bid && ask && !ticker.getBidPrice().isEmpty() && !ticker.getAskPrice().isEmpty()
        && new BigDecimal(ticker.getBidPrice()).compareTo(new BigDecimal(ticker.getAskPrice())) >= 0) {
      violations.add(path + ".bid_price", "must be below ask_price (a crossed or locked quote)");
    }
    if (ticker.hasLastSequence() && ticker.getLastSequence() < 0) {
      violations.add(path + ".last_sequence", "must not be negative");
    }
    times(path, ticker.getExchangeTimeNs(), ticker.getReceiveTimeNs());
  }

  void snapshot(String path, BookSnapshot snapshot) {
    instrument(path, snapshot.getExchange(), snapshot.getSymbol(), snapshot.getNativeSymbol());
    levels(path + ".bids", snapshot.getBidsList(), -1);
    levels(path + ".asks", snapshot.getAsksList(), 1);
    if (snapshot.getBidsCount() == 0 && snapshot.getAsksCount() == 0) {
      violations.add(path, "needs at least one bid or ask level");
    }
    if (snapshot.getDepth() < 0) {
      violations.add(path + ".depth", "must not be negative");
    }
    if (snapshot.hasLastSequence() && snapshot.getLastSequence() < 0) {
      violations.add(path + ".last_sequence", "must not be negative");
    }
    times(path, snapshot.getExchangeTimeNs(), snapshot.getReceiveTimeNs());
  }

  private void instrument(String path, String exchange, String symbol, String nativeSymbol) {
    violations.exchange(path + ".exchange", exchange, exchanges);
    violations.symbol(path + ".symbol", symbol);
    if (nativeSymbol.length() > RequestChecks.MAX_SYMBOL_LENGTH) {
      violations.add(path + ".native_symbol", "at most " + RequestChecks.MAX_SYMBOL_LENGTH + " characters");
    }
  }

  /** Levels best first: {@code direction} -1 for bids (prices descending), 1 for asks (ascending). */
  private void levels(String path, List<Level> levels, int direction) {
    if (levels.size() > MAX_LEVELS) {
      violations.add(path, "at most " + MAX_LEVELS + " levels a side, got " + levels.size());
      return;
    }
    BigDecimal previous = null;
    for (int i = 0; i < levels.size(); i++) {
      Level level = levels.get(i);
      boolean price = positive(path + "[" + i + "].price", level.getPrice());
      positive(path + "[" + i + "].amount", level.getAmount());
      if (price) {
        BigDecimal current = new BigDecimal(level.getPrice());
        if (previous != null && current.compareTo(previous) * direction <= 0) {
          violations.add(path + "[" + i + "].price", direction < 0
              ? "bids must be strictly descending in price (best first)"
              : "asks must be strictly ascending in price (best first)");
        }
        previous = current;
      }
    }
  }

  private void times(String path, long exchangeTimeNs, long receiveTimeNs) {
    time(path + ".exchange_time_ns", exchangeTimeNs, true);
    time(path + ".receive_time_ns", receiveTimeNs, false);
  }

  private void time(String field, long timeNs, boolean required) {
    if (timeNs == 0) {
      if (required) {
        violations.add(field, "required: nanoseconds since the epoch");
      }
    } else if (timeNs < MIN_TIME_NS) {
      violations.add(field, "not nanoseconds since the epoch (before 2001-09-09; seconds or milliseconds?): " + timeNs);
    } else if (timeNs > nowNs + MAX_AHEAD_NS) {
      violations.add(field, "more than an hour in the future: " + timeNs);
    }
  }

  /** A required decimal greater than zero; true if it is one. */
  private boolean positive(String field, String text) {
    if (text.isEmpty()) {
      violations.add(field, "required: a decimal string like \"42219.9\"");
      return false;
    }
    if (!DECIMAL.matcher(text).matches()) {
      violations.add(field, notDecimal(text));
      return false;
    }
    if (new BigDecimal(text).signum() == 0) {
      violations.add(field, "must be greater than zero");
      return false;
    }
    return true;
  }

  /** An optional decimal: empty, or plain (and, for a price, greater than zero); true if it is valid. */
  private boolean optionalDecimal(String field, String text, boolean price) {
    if (text.isEmpty()) {
      return true;
    }
    if (!DECIMAL.matcher(text).matches()) {
      violations.add(field, notDecimal(text));
      return false;
    }
    if (price && new BigDecimal(text).signum() == 0) {
      violations.add(field, "must be greater than zero");
      return false;
    }
    return true;
  }

  private static String notDecimal(String text) {
    return "not a plain decimal string with at most 20 integer and 18 fraction digits (no sign or exponent): \""
        + RequestChecks.shorten(text) + "\"";
  }
}
