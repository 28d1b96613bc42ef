package io.marketprism.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Level;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.OpenInterest;
import io.marketprism.marketdata.v1.Trade;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

class MarketEventCodecTest {

  @Test
  void payloadIsTheInnerMessageAndDecodesBack() throws Exception {
    MarketEvent trade = TestEvents.trade("BTC-USDT", 7);

    byte[] payload = MarketEventCodec.encode(trade);

    assertThat(Trade.parseFrom(payload)).isEqualTo(trade.getTrade());
    assertThat(MarketEventCodec.decode(DataType.DATA_TYPE_TRADE, payload)).isEqualTo(trade);
  }

  @Test
  void messageIdNamesExchangeTypeSymbolAndNativeId() {
    assertThat(MarketEventCodec.messageId(TestEvents.trade("BTC-USDT", 42))).isEqualTo("binance:trade:BTC-USDT:42");

    MarketEvent delta =
        MarketEvent.newBuilder()
            .setBookDelta(
                BookDelta.newBuilder().setExchange("okx").setSymbol("BTC-USDT").setLastSequence(991)
                    .addBids(Level.newBuilder().setPrice("1").setAmount("0")))
            .build();
    assertThat(MarketEventCodec.messageId(delta)).isEqualTo("okx:book_delta:BTC-USDT:991");

    MarketEvent openInterest =
        MarketEvent.newBuilder()
            .setOpenInterest(OpenInterest.newBuilder().setExchange("deribit").setSymbol("BTC-USD-PERP")
                .setReceiveTimeNs(5))
            .build();
    assertThat(MarketEventCodec.messageId(openInterest)).isEqualTo("deribit:open_interest:BTC-USD-PERP:t5");
  }

  @Test
  void garbageDoesNotDecode() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    assertThatThrownBy(() -> MarketEventCodec.decode(DataType.DATA_TYPE_TRADE, garbage))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void messageCarriesIdContentTypeAndTraceparent() {
    SpanContext span =
        SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
            TraceState.getDefault());
    Context trace = Context.root().with(Span.wrap(span));

    OutgoingMessage message = MarketDataMessages.of(TestEvents.trade("ETH-USDT", 3), trace);

    assertThat(message.subject()).isEqualTo("md.trade.binance.ETH-USDT");
    assertThat(message.headers().getFirst("Nats-Msg-Id")).isEqualTo("binance:trade:ETH-USDT:3");
    assertThat(message.headers().getFirst("Content-Type")).isEqualTo("application/x-protobuf");
    assertThat(message.headers().getFirst("traceparent"))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(Span.fromContext(TraceHeaders.extract(message.headers())).getSpanContext().getTraceId())
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }
}
