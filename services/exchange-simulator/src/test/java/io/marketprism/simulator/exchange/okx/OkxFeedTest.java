package io.marketprism.simulator.exchange.okx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.TestFeeds;
import io.marketprism.simulator.TestFeeds.Client;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OkxFeedTest {

  private static ExchangeSimulator simulator;

  @BeforeAll
  static void start() throws InterruptedException {
    simulator = TestFeeds.start(Map.of("MARKETPRISM_OKX_IDLE_TIMEOUT", "1s"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.close();
  }

  @Test
  void subscribeIsAcknowledgedWithConnIdAndTradesCarryStrings() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}]}");
      JsonNode ack = TestFeeds.parse(client.next());
      assertThat(ack.get("event").asText()).isEqualTo("subscribe");
      assertThat(ack.get("arg").get("channel").asText()).isEqualTo("trades");
      assertThat(ack.get("arg").get("instId").asText()).isEqualTo("BTC-USDT");
      assertThat(ack.get("connId").asText()).isNotBlank();
      JsonNode trade = TestFeeds.parse(client.next()).get("data").get(0);
      assertThat(trade.get("px").isTextual()).isTrue();
      assertThat(new BigDecimal(trade.get("sz").asText())).isPositive();
      assertThat(trade.get("side").asText()).isIn("buy", "sell");
      assertThat(trade.get("ts").isTextual()).isTrue();
      assertThat(Long.parseLong(trade.get("ts").asText())).isGreaterThan(1_600_000_000_000L);
      assertThat(trade.get("tradeId").isTextual()).isTrue();
    }
  }

  @Test
  void unknownInstrumentIsAnError() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"trades\",\"instId\":\"DOGE-EUR\"}]}");
      JsonNode error = TestFeeds.parse(client.next());
      assertThat(error.get("event").asText()).isEqualTo("error");
      assertThat(error.get("code").asText()).isEqualTo("60018");
    }
  }

  @Test
  void textPingIsAnsweredWithPong() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("ping");
      assertThat(client.next()).isEqualTo("pong");
    }
  }

  @Test
  void idleConnectionIsClosed() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      assertThat(client.closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotBlank();
    }
  }

  /** The book kept from snapshot + updates must match every checksum, computed here as OKX documents it. */
  @Test
  void booksChainBySeqIdAndMatchTheDocumentedChecksum() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"}]}");
      TestFeeds.parse(client.next()); // ack
      JsonNode snapshot = TestFeeds.parse(client.next());
      assertThat(snapshot.get("action").asText()).isEqualTo("snapshot");
      JsonNode data = snapshot.get("data").get(0);
      assertThat(data.get("prevSeqId").asLong()).isEqualTo(-1);
      TreeMap<BigDecimal, String[]> bids = new TreeMap<>(Comparator.reverseOrder());
      TreeMap<BigDecimal, String[]> asks = new TreeMap<>();
      OkxBooks.apply(bids, data.get("bids"));
      OkxBooks.apply(asks, data.get("asks"));
      assertThat(OkxBooks.checksum(bids, asks)).isEqualTo(data.get("checksum").asInt());
      long seqId = data.get("seqId").asLong();
      for (int i = 0; i < 15; i++) {
        JsonNode update = TestFeeds.parse(client.next());
        assertThat(update.get("action").asText()).isEqualTo("update");
        JsonNode changes = update.get("data").get(0);
        assertThat(changes.get("prevSeqId").asLong()).isEqualTo(seqId);
        seqId = changes.get("seqId").asLong();
        OkxBooks.apply(bids, changes.get("bids"));
        OkxBooks.apply(asks, changes.get("asks"));
        assertThat(OkxBooks.checksum(bids, asks)).isEqualTo(changes.get("checksum").asInt());
      }
    }
  }

  @Test
  void swapsPublishFundingOpenInterestAndTickers() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"funding-rate\",\"instId\":\"BTC-USDT-SWAP\"},"
          + "{\"channel\":\"open-interest\",\"instId\":\"BTC-USDT-SWAP\"},{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"}]}");
      JsonNode funding = client.nextMatching(n -> n.path("arg").path("channel").asText().equals("funding-rate")
          && n.has("data")).get("data").get(0);
      assertThat(funding.get("fundingRate").isTextual()).isTrue();
      JsonNode oi = client.nextMatching(n -> n.path("arg").path("channel").asText().equals("open-interest")
          && n.has("data")).get("data").get(0);
      assertThat(new BigDecimal(oi.get("oi").asText())).isPositive();
      JsonNode ticker = client.nextMatching(n -> n.path("arg").path("channel").asText().equals("tickers")
          && n.has("data")).get("data").get(0);
      assertThat(new BigDecimal(ticker.get("bidPx").asText())).isLessThan(new BigDecimal(ticker.get("askPx").asText()));
      assertThat(ticker.get("instType").asText()).isEqualTo("SPOT");
    }
  }
}
