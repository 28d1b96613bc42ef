package io.marketprism.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.FundingRate;
import io.marketprism.marketdata.v1.Liquidation;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;

/**
 * The wire form of a market event: the payload is the protobuf bytes of the message the data type names (a
 * {@link Trade} for {@code md.trade.…}), not of the {@link MarketEvent} wrapper; the subject says which. Also
 * derives what the subject and {@code Nats-Msg-Id} need from an event. Stateless and thread-safe.
 */
public final class MarketEventCodec {

  /** The {@code Content-Type} header value of market-data messages. */
  public static final String CONTENT_TYPE = "application/x-protobuf";

  private MarketEventCodec() {}

  /** The data type of the event's case. */
  public static DataType typeOf(MarketEvent event) {
    return switch (event.getEventCase()) {
      case TRADE -> DataType.DATA_TYPE_TRADE;
      case BOOK_SNAPSHOT -> DataType.DATA_TYPE_BOOK_SNAPSHOT;
      case BOOK_DELTA -> DataType.DATA_TYPE_BOOK_DELTA;
      case TICKER -> DataType.DATA_TYPE_TICKER;
      case FUNDING_RATE -> DataType.DATA_TYPE_FUNDING_RATE;
      case LIQUIDATION -> DataType.DATA_TYPE_LIQUIDATION;
      case OPEN_INTEREST -> DataType.DATA_TYPE_OPEN_INTEREST;
      case EVENT_NOT_SET -> throw new IllegalArgumentException("market event has no event set");
    };
  }

  /** The inner message ({@link Trade}, {@link Ticker}, ...). */
  public static Message payloadMessage(MarketEvent event) {
    return switch (event.getEventCase()) {
      case TRADE -> event.getTrade();
      case BOOK_SNAPSHOT -> event.getBookSnapshot();
      case BOOK_DELTA -> event.getBookDelta();
      case TICKER -> event.getTicker();
      case FUNDING_RATE -> event.getFundingRate();
      case LIQUIDATION -> event.getLiquidation();
      case OPEN_INTEREST -> event.getOpenInterest();
      case EVENT_NOT_SET -> throw new IllegalArgumentException("market event has no event set");
    };
  }

  /** The message payload: protobuf bytes of the inner message. */
  public static byte[] encode(MarketEvent event) {
    return payloadMessage(event).toByteArray();
  }

  /**
   * Decodes a payload of the given type back into an event.
   *
   * @throws InvalidProtocolBufferException if the bytes are not a message of that type
   */
  public static MarketEvent decode(DataType type, byte[] payload) throws InvalidProtocolBufferException {
    MarketEvent.Builder event = MarketEvent.newBuilder();
    switch (type) {
      case DATA_TYPE_TRADE -> event.setTrade(Trade.parseFrom(payload));
      case DATA_TYPE_BOOK_SNAPSHOT -> event.setBookSnapshot(BookSnapshot.parseFrom(payload));
      case DATA_TYPE_BOOK_DELTA -> event.setBookDelta(BookDelta.parseFrom(payload));
      case DATA_TYPE_TICKER -> event.setTicker(Ticker.parseFrom(payload));
      case DATA_TYPE_FUNDING_RATE -> event.setFundingRate(FundingRate.parseFrom(payload));
      case DATA_TYPE_LIQUIDATION -> event.setLiquidation(Liquidation.parseFrom(payload));
      case DATA_TYPE_OPEN_INTEREST -> event.setOpenInterest(OpenInterest.parseFrom(payload));
      default -> throw new IllegalArgumentException("not a market data type: " + type);
    }
    return event.build();
  }

  /** The event's lower-case exchange. */
  public static String exchange(MarketEvent event) {
    return switch (event.getEventCase()) {
      case TRADE -> event.getTrade().getExchange();
      case BOOK_SNAPSHOT -> event.getBookSnapshot().getExchange();
      case BOOK_DELTA -> event.getBookDelta().getExchange();
      case TICKER -> event.getTicker().getExchange();
      case FUNDING_RATE -> event.getFundingRate().getExchange();
      case LIQUIDATION -> event.getLiquidation().getExchange();
      case OPEN_INTEREST -> event.getOpenInterest().getExchange();
      case EVENT_NOT_SET -> throw new IllegalArgumentException("market event has no event set");
    };
  }

  /** The event's normalized symbol. */
  public static String symbol(MarketEvent event) {
    return switch (event.getEventCase()) {
      case TRADE -> event.getTrade().getSymbol();
      case BOOK_SNAPSHOT -> event.getBookSnapshot().getSymbol();
      case BOOK_DELTA -> event.getBookDelta().getSymbol();
      case TICKER -> event.getTicker().getSymbol();
      case FUNDING_RATE -> event.getFundingRate().getSymbol();
      case LIQUIDATION -> event.getLiquidation().getSymbol();
      case OPEN_INTEREST -> event.getOpenInterest().getSymbol();
      case EVENT_NOT_SET -> throw new IllegalArgumentException("market event has no event set");
    };
  }

  /**
   * The event time used to order and partition it: {@code exchange_time_ns}, or {@code receive_time_ns} when the
   * exchange gave no time.
   */
  public static long eventTimeNs(MarketEvent event) {
    long exchangeTime;
    long receiveTime;
    switch (event.getEventCase()) {
      case TRADE -> {
        exchangeTime = event.getTrade().getExchangeTimeNs();
        receiveTime = event.getTrade().getReceiveTimeNs();
      }
      case BOOK_SNAPSHOT -> {
        exchangeTime = event.getBookSnapshot().getExchangeTimeNs();
        receiveTime = event.getBookSnapshot().getReceiveTimeNs();
      }
      case BOOK_DELTA -> {
        exchangeTime = event.getBookDelta().getExchangeTimeNs();
        receiveTime = event.getBookDelta().getReceiveTimeNs();
      }
      case TICKER -> {
        exchangeTime = event.getTicker().getExchangeTimeNs();
        receiveTime = event.getTicker().getReceiveTimeNs();
      }
      case FUNDING_RATE -> {
        exchangeTime = event.getFundingRate().getExchangeTimeNs();
        receiveTime = event.getFundingRate().getReceiveTimeNs();
      }
      case LIQUIDATION -> {
        exchangeTime = event.getLiquidation().getExchangeTimeNs();
        receiveTime = event.getLiquidation().getReceiveTimeNs();
      }
      case OPEN_INTEREST -> {
        exchangeTime = event.getOpenInterest().getExchangeTimeNs();
        receiveTime = event.getOpenInterest().getReceiveTimeNs();
      }
      default -> throw new IllegalArgumentException("market event has no event set");
    }
    return exchangeTime != 0 ? exchangeTime : receiveTime;
  }

  /**
   * What identifies the event among its instrument's events of its type: the trade id, the liquidation's order id,
   * else the exchange's sequence, else the event time. The storage service keys its tables on the same value.
   */
  public static String nativeKey(MarketEvent event) {
    return switch (event.getEventCase()) {
      case TRADE -> event.getTrade().getTradeId();
      case BOOK_SNAPSHOT -> event.getBookSnapshot().hasLastSequence()
          ? Long.toString(event.getBookSnapshot().getLastSequence()) : "t" + eventTimeNs(event);
      case BOOK_DELTA -> event.getBookDelta().hasLastSequence()
          ? Long.toString(event.getBookDelta().getLastSequence()) : "t" + eventTimeNs(event);
      case TICKER -> event.getTicker().hasLastSequence()
          ? Long.toString(event.getTicker().getLastSequence()) : "t" + eventTimeNs(event);
      case LIQUIDATION -> event.getLiquidation().getOrderId().isEmpty()
          ? "t" + eventTimeNs(event) : event.getLiquidation().getOrderId();
      case FUNDING_RATE, OPEN_INTEREST -> "t" + eventTimeNs(event);
      case EVENT_NOT_SET -> throw new IllegalArgumentException("market event has no event set");
    };
  }

  /** {@code Nats-Msg-Id}: {@code <exchange>:<type>:<symbol>:<native id or sequence>}. */
  public static String messageId(MarketEvent event) {
    return exchange(event) + ":" + MarketDataSubjects.typeToken(typeOf(event)) + ":" + symbol(event) + ":"
        + nativeKey(event);
  }

  /** {@code md.<type>.<exchange>.<symbol>} of the event. */
  public static String subject(MarketEvent event) {
    return MarketDataSubjects.subject(typeOf(event), exchange(event), symbol(event));
  }
}
