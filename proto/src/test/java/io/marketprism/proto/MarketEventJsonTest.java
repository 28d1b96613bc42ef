package io.marketprism.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import org.junit.jupiter.api.Test;

/**
 * The proto3 JSON of {@link MarketEvent} is the line format of {@code marketprism normalize}: one object keyed by
 * the event kind, with proto field names and decimals as the exchange wrote them.
 */
class MarketEventJsonTest {

  /** How MarketPrism prints events: proto field names (so the key is "book_delta", not "bookDelta"), one line. */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private static final MarketEvent TRADE = MarketEvent.newBuilder()
      .setTrade(Trade.newBuilder()
          .setExchange("binance")
          .setSymbol("BTC-USDT")
          .setNativeSymbol("BTCUSDT")
          .setTradeId("3245021789")
          .setSide(Side.SIDE_SELL)
          .setPrice("42219.90")
          .setAmount("0.00010000")
          .setExchangeTimeNs(1_700_000_000_123_000_000L)
          .setReceiveTimeNs(1_700_000_000_125_456_789L))
      .build();

  @Test
  void tradePrintsAsObjectKeyedByTradeWithDecimalTextIntact() throws InvalidProtocolBufferException {
    String json = PRINTER.print(TRADE);

    assertThat(json).isEqualTo("{\"trade\":{"
        + "\"exchange\":\"binance\","
        + "\"symbol\":\"BTC-USDT\","
        + "\"native_symbol\":\"BTCUSDT\","
        + "\"trade_id\":\"3245021789\","
        + "\"side\":\"SIDE_SELL\","
        + "\"price\":\"42219.90\","
        + "\"amount\":\"0.00010000\","
        + "\"exchange_time_ns\":\"1700000000123000000\","
        + "\"receive_time_ns\":\"1700000000125456789\"}}");
  }

  @Test
  void tradeJsonParsesBackToTheSameEvent() throws InvalidProtocolBufferException {
    MarketEvent.Builder parsed = MarketEvent.newBuilder();
    JsonFormat.parser().merge(PRINTER.print(TRADE), parsed);

    assertThat(parsed.build()).isEqualTo(TRADE);
    assertThat(parsed.getTrade().getPrice()).isEqualTo("42219.90");
  }

  @Test
  void parserAcceptsCamelCaseNamesAndNumericTimesFromOtherClients() throws InvalidProtocolBufferException {
    MarketEvent.Builder parsed = MarketEvent.newBuilder();
    JsonFormat.parser().merge("{\"trade\":{\"nativeSymbol\":\"BTCUSDT\",\"price\":\"42219.90\","
        + "\"exchangeTimeNs\":1700000000123000000}}", parsed);

    assertThat(parsed.getTrade().getNativeSymbol()).isEqualTo("BTCUSDT");
    assertThat(parsed.getTrade().getExchangeTimeNs()).isEqualTo(1_700_000_000_123_000_000L);
  }

  @Test
  void bookDeltaIsKeyedBySnakeCaseKindAndKeepsUnsetSequencesOut() throws InvalidProtocolBufferException {
    MarketEvent delta = MarketEvent.newBuilder()
        .setBookDelta(BookDelta.newBuilder()
            .setExchange("okx")
            .setSymbol("BTC-USDT")
            .addBids(Level.newBuilder().setPrice("42219.9").setAmount("0"))
            .setLastSequence(123_457L)
            .setPrevSequence(123_456L)
            .setChecksum(-855196043))
        .build();

    String json = PRINTER.print(delta);

    assertThat(json).isEqualTo("{\"book_delta\":{"
        + "\"exchange\":\"okx\","
        + "\"symbol\":\"BTC-USDT\","
        + "\"bids\":[{\"price\":\"42219.9\",\"amount\":\"0\"}],"
        + "\"last_sequence\":\"123457\","
        + "\"prev_sequence\":\"123456\","
        + "\"checksum\":-855196043}}");
  }

  @Test
  void sequenceZeroIsDistinctFromAbsent() throws InvalidProtocolBufferException {
    MarketEvent delta = MarketEvent.newBuilder()
        .setBookDelta(BookDelta.newBuilder().setExchange("okx").setPrevSequence(0L))
        .build();

    String json = PRINTER.print(delta);

    assertThat(json).isEqualTo("{\"book_delta\":{\"exchange\":\"okx\",\"prev_sequence\":\"0\"}}");
    MarketEvent.Builder parsed = MarketEvent.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    assertThat(parsed.getBookDelta().hasPrevSequence()).isTrue();
    assertThat(parsed.getBookDelta().hasFirstSequence()).isFalse();
  }
}
