package io.marketprism.simulator.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.TestFeeds;
import io.marketprism.simulator.TestFeeds.Client;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BinanceFeedTest {

  private static ExchangeSimulator simulator;

  @BeforeAll
  static void start() throws InterruptedException {
    simulator = TestFeeds.start(Map.of());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.close();
  }

  @Test
  void subscribeRequestIsAcknowledgedAndTradesFollowInBinanceFormat() throws Exception {
    try (Client client = new Client(simulator, "/ws")) {
      client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":1}");
      assertThat(client.next()).isEqualTo("{\"result\":null,\"id\":1}");
      JsonNode trade = client.nextMatching(n -> n.has("e"));
      assertThat(trade.get("e").asText()).isEqualTo("trade");
      assertThat(trade.get("s").asText()).isEqualTo("BTCUSDT");
      assertThat(trade.get("p").isTextual()).isTrue();
      assertThat(trade.get("p").asText()).matches("\\d+\\.\\d{8}");
      assertThat(new BigDecimal(trade.get("q").asText())).isPositive();
      assertThat(trade.get("E").isIntegralNumber()).isTrue();
      assertThat(trade.get("T").asLong()).isGreaterThan(1_600_000_000_000L);
      assertThat(trade.get("t").isIntegralNumber()).isTrue();
      assertThat(trade.get("m").isBoolean()).isTrue();

      client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}");
      assertThat(client.nextMatching(n -> n.path("id").asInt() == 2).get("result").get(0).asText())
          .isEqualTo("btcusdt@trade");
    }
  }

  @Test
  void badRequestsGetBinanceErrors() throws Exception {
    try (Client client = new Client(simulator, "/ws")) {
      client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@nonsense\"],\"id\":7}");
      JsonNode error = TestFeeds.parse(client.next());
      assertThat(error.get("error").get("code").asInt()).isEqualTo(2);
      assertThat(error.get("id").asInt()).isEqualTo(7);
      client.send("not json");
      assertThat(TestFeeds.parse(client.next()).get("error").get("code").asInt()).isEqualTo(3);
    }
  }

  @Test
  void combinedStreamWrapsEachPayloadWithItsStreamName() throws Exception {
    try (Client client = new Client(simulator, "/stream?streams=ethusdt@aggTrade/ethusdt@bookTicker")) {
      JsonNode agg = client.nextMatching(n -> n.path("stream").asText().equals("ethusdt@aggTrade"));
      assertThat(agg.get("data").get("e").asText()).isEqualTo("aggTrade");
      assertThat(agg.get("data").get("a").asLong()).isEqualTo(agg.get("data").get("f").asLong());
      JsonNode ticker = client.nextMatching(n -> n.path("stream").asText().equals("ethusdt@bookTicker"));
      JsonNode data = ticker.get("data");
      assertThat(new BigDecimal(data.get("b").asText())).isLessThan(new BigDecimal(data.get("a").asText()));
      assertThat(data.get("u").isIntegralNumber()).isTrue();
    }
  }

  /** Binance's documented procedure: buffer the stream, fetch a snapshot, drop what it covers, apply the rest. */
  @Test
  void restSnapshotSynchronizesWithTheSpotDepthStream() throws Exception {
    try (Client client = new Client(simulator, "/ws/btcusdt@depth@100ms")) {
      List<JsonNode> buffered = new ArrayList<>();
      buffered.add(TestFeeds.parse(client.next()));
      JsonNode snapshot = TestFeeds.parse(TestFeeds.get(simulator, "/api/v3/depth?symbol=BTCUSDT&limit=1000").body());
      long lastUpdateId = snapshot.get("lastUpdateId").asLong();
      TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
      TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
      load(bids, snapshot.get("bids"));
      load(asks, snapshot.get("asks"));

      long previousU = -1;
      int applied = 0;
      while (applied < 20) {
        JsonNode event = buffered.isEmpty() ? TestFeeds.parse(client.next()) : buffered.remove(0);
        long first = event.get("U").asLong();
        long last = event.get("u").asLong();
        if (last <= lastUpdateId) {
          continue;
        }
        if (previousU < 0) {
          assertThat(first).isLessThanOrEqualTo(lastUpdateId + 1);
          assertThat(last).isGreaterThanOrEqualTo(lastUpdateId + 1);
        } else {
          assertThat(first).isEqualTo(previousU + 1);
        }
        previousU = last;
        apply(bids, event.get("b"));
        apply(asks, event.get("a"));
        applied++;
        assertThat(bids.firstKey()).isLessThan(asks.firstKey());
      }
      assertThat(previousU).isGreaterThan(lastUpdateId);
    }
  }

  @Test
  void futuresDepthChainsEachEventToThePreviousWithPu() throws Exception {
    try (Client client = new Client(simulator, "/fapi/ws/btcusdt@depth@100ms")) {
      JsonNode previous = TestFeeds.parse(client.next());
      assertThat(previous.get("T").isIntegralNumber()).isTrue();
      for (int i = 0; i < 10; i++) {
        JsonNode event = TestFeeds.parse(client.next());
        assertThat(event.get("pu").asLong()).isEqualTo(previous.get("u").asLong());
        assertThat(event.get("U").asLong()).isEqualTo(previous.get("u").asLong() + 1);
        previous = event;
      }
      JsonNode snapshot = TestFeeds.parse(TestFeeds.get(simulator, "/fapi/v1/depth?symbol=BTCUSDT&limit=100").body());
      assertThat(snapshot.get("lastUpdateId").asLong()).isGreaterThanOrEqualTo(previous.get("u").asLong());
      assertThat(snapshot.get("bids").get(0).get(0).isTextual()).isTrue();
    }
  }

  @Test
  void futuresPublishMarkPriceAndOpenInterest() throws Exception {
    try (Client client = new Client(simulator, "/fapi/stream?streams=btcusdt@markPrice@1s")) {
      JsonNode mark = client.nextMatching(n -> n.path("stream").asText().equals("btcusdt@markPrice@1s")).get("data");
      assertThat(mark.get("e").asText()).isEqualTo("markPriceUpdate");
      assertThat(new BigDecimal(mark.get("r").asText()).abs()).isLessThan(new BigDecimal("0.01"));
      assertThat(mark.get("T").asLong() % (8 * 3_600_000L)).isZero();
    }
    JsonNode openInterest = TestFeeds.parse(TestFeeds.get(simulator, "/fapi/v1/openInterest?symbol=BTCUSDT").body());
    assertThat(new BigDecimal(openInterest.get("openInterest").asText())).isPositive();
    assertThat(TestFeeds.get(simulator, "/api/v3/depth?symbol=NOPE").statusCode()).isEqualTo(400);
  }

  private static void load(TreeMap<BigDecimal, BigDecimal> side, JsonNode levels) {
    for (JsonNode level : levels) {
      side.put(new BigDecimal(level.get(0).asText()), new BigDecimal(level.get(1).asText()));
    }
  }

  private static void apply(TreeMap<BigDecimal, BigDecimal> side, JsonNode levels) {
    for (JsonNode level : levels) {
      BigDecimal size = new BigDecimal(level.get(1).asText());
      if (size.signum() == 0) {
        side.remove(new BigDecimal(level.get(0).asText()));
      } else {
        side.put(new BigDecimal(level.get(0).asText()), size);
      }
    }
  }
}
