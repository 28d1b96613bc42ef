package io.marketprism.collector.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceProtocol;
import io.marketprism.collector.exchange.deribit.DeribitProtocol;
import io.marketprism.collector.exchange.okx.OkxProtocol;
import io.marketprism.marketdata.v1.DataType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void binanceSubscribesInBatchesOfTwoHundredStreams() throws Exception {
    List<String> messages = new BinanceProtocol(BinanceMarket.FUTURES).subscribeMessages(streams(450));

    assertThat(messages).hasSize(3);
    JsonNode first = JSON.readTree(messages.get(0));
    assertThat(first.get("method").asText()).isEqualTo("SUBSCRIBE");
    assertThat(first.get("params")).hasSize(200);
    assertThat(JSON.readTree(messages.get(2)).get("params")).hasSize(50);
  }

  @Test
  void binanceFuturesChannelsAndSnapshotUrl() {
    BinanceProtocol futures = new BinanceProtocol(BinanceMarket.FUTURES);

    assertThat(futures.channels(DataType.DATA_TYPE_TRADE, "BTCUSDT")).containsExactly("btcusdt@aggTrade");
    assertThat(futures.channels(DataType.DATA_TYPE_FUNDING_RATE, "BTCUSDT")).containsExactly("btcusdt@markPrice");
    assertThat(futures.restSnapshotUri(URI.create("https://fapi.binance.com/"), "BTCUSDT")).contains(
        URI.create("https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000"));
  }

  @Test
  void okxSubscribeMessageIsValidJsonWithArgObjects() throws Exception {
    OkxProtocol okx = new OkxProtocol();
    List<String> channels = new ArrayList<>(okx.channels(DataType.DATA_TYPE_TRADE, "BTC-USDT-SWAP"));
    channels.addAll(okx.channels(DataType.DATA_TYPE_LIQUIDATION, "BTC-USDT-SWAP"));

    JsonNode message = JSON.readTree(okx.subscribeMessages(channels).get(0));

    assertThat(message.get("op").asText()).isEqualTo("subscribe");
    assertThat(message.get("args").get(0).get("channel").asText()).isEqualTo("trades");
    assertThat(message.get("args").get(1).get("instType").asText()).isEqualTo("SWAP");
  }

  @Test
  void deribitRequestsAreNumberedJsonRpc() throws Exception {
    DeribitProtocol deribit = new DeribitProtocol();

    JsonNode heartbeat = JSON.readTree(deribit.openMessages().get(0));
    JsonNode subscribe = JSON.readTree(deribit.subscribeMessages(List.of("book.BTC-PERPETUAL.100ms")).get(0));

    assertThat(heartbeat.get("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(heartbeat.get("params").get("interval").asInt()).isEqualTo(30);
    assertThat(subscribe.get("id").asLong()).isGreaterThan(heartbeat.get("id").asLong());
    assertThat(subscribe.get("params").get("channels").get(0).asText()).isEqualTo("book.BTC-PERPETUAL.100ms");
  }

  private static List<String> streams(int n) {
    List<String> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      streams.add("sym" + i + "usdt@trade");
    }
    return streams;
  }
}
