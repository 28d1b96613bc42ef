package io.marketprism.simulator.exchange.deribit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.TestFeeds;
import io.marketprism.simulator.TestFeeds.Client;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeribitFeedTest {

  private static ExchangeSimulator simulator;

  @BeforeAll
  static void start() throws InterruptedException {
    simulator = TestFeeds.start(Map.of("MARKETPRISM_DERIBIT_MIN_HEARTBEAT_INTERVAL", "200ms"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.close();
  }

  private static String subscribe(String channel) {
    return "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"public/subscribe\",\"params\":{\"channels\":[\"" + channel + "\"]}}";
  }

  @Test
  void subscribeAnswersWithTheChannelsAndTradesUseJsonNumbers() throws Exception {
    try (Client client = new Client(simulator, "/ws/api/v2")) {
      client.send(subscribe("trades.BTC-PERPETUAL.raw"));
      JsonNode answer = TestFeeds.parse(client.next());
      assertThat(answer.get("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(answer.get("id").asInt()).isEqualTo(42);
      assertThat(answer.get("result").get(0).asText()).isEqualTo("trades.BTC-PERPETUAL.raw");
      JsonNode notification = TestFeeds.parse(client.next());
      assertThat(notification.get("method").asText()).isEqualTo("subscription");
      JsonNode trade = notification.get("params").get("data").get(0);
      assertThat(trade.get("price").isNumber()).isTrue();
      assertThat(trade.get("amount").isNumber()).isTrue();
      assertThat(trade.get("amount").decimalValue().remainder(BigDecimal.TEN).signum()).isZero();
      assertThat(trade.get("price").decimalValue().remainder(new BigDecimal("0.5")).signum()).isZero();
      assertThat(trade.get("direction").asText()).isIn("buy", "sell");
      assertThat(trade.get("instrument_name").asText()).isEqualTo("BTC-PERPETUAL");
    }
  }

  @Test
  void quoteChannelSendsTheBestLevelsOnEveryChange() throws Exception {
    try (Client client = new Client(simulator, "/ws/api/v2")) {
      client.send(subscribe("quote.BTC-PERPETUAL"));
      assertThat(TestFeeds.parse(client.next()).get("result").get(0).asText()).isEqualTo("quote.BTC-PERPETUAL");
      String previous = null;
      for (int i = 0; i < 10; i++) {
        JsonNode params = TestFeeds.parse(client.next()).get("params");
        assertThat(params.get("channel").asText()).isEqualTo("quote.BTC-PERPETUAL");
        JsonNode quote = params.get("data");
        assertThat(quote.get("instrument_name").asText()).isEqualTo("BTC-PERPETUAL");
        assertThat(quote.get("timestamp").isIntegralNumber()).isTrue();
        for (String field : new String[] {"best_bid_price", "best_bid_amount", "best_ask_price", "best_ask_amount"}) {
          assertThat(quote.get(field).isNumber()).as(field).isTrue();
        }
        assertThat(quote.size()).isEqualTo(6);
        assertThat(quote.get("best_bid_price").decimalValue()).isLessThan(quote.get("best_ask_price").decimalValue());
        assertThat(quote.get("best_bid_price").decimalValue().remainder(new BigDecimal("0.5")).signum()).isZero();
        assertThat(quote.get("best_ask_amount").decimalValue().remainder(BigDecimal.TEN).signum()).isZero();
        String levels = quote.get("best_bid_price") + "/" + quote.get("best_bid_amount") + "/"
            + quote.get("best_ask_price") + "/" + quote.get("best_ask_amount");
        assertThat(levels).as("a quote is sent only when the best levels change").isNotEqualTo(previous);
        previous = levels;
      }
    }
  }

  @Test
  void bookSnapshotThenChangesChainedByChangeId() throws Exception {
    for (String interval : new String[] {"raw", "100ms"}) {
      try (Client client = new Client(simulator, "/ws/api/v2")) {
        client.send(subscribe("book.ETH-PERPETUAL." + interval));
        TestFeeds.parse(client.next());
        JsonNode snapshot = TestFeeds.parse(client.next()).get("params").get("data");
        assertThat(snapshot.get("type").asText()).isEqualTo("snapshot");
        TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
        TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        apply(bids, snapshot.get("bids"));
        apply(asks, snapshot.get("asks"));
        long changeId = snapshot.get("change_id").asLong();
        for (int i = 0; i < 20; i++) {
          JsonNode change = TestFeeds.parse(client.next()).get("params").get("data");
          assertThat(change.get("type").asText()).isEqualTo("change");
          assertThat(change.get("prev_change_id").asLong()).isEqualTo(changeId);
          changeId = change.get("change_id").asLong();
          apply(bids, change.get("bids"));
          apply(asks, change.get("asks"));
          assertThat(bids.lastKey()).isLessThan(asks.firstKey());
        }
      }
    }
  }

  @Test
  void heartbeatTestRequestsAreAnsweredByPublicTest() throws Exception {
    try (Client client = new Client(simulator, "/ws/api/v2")) {
      client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"public/set_heartbeat\",\"params\":{\"interval\":0.2}}");
      assertThat(TestFeeds.parse(client.next()).get("result").asText()).isEqualTo("ok");
      for (int i = 0; i < 3; i++) {
        JsonNode heartbeat = TestFeeds.parse(client.next());
        assertThat(heartbeat.get("method").asText()).isEqualTo("heartbeat");
        assertThat(heartbeat.get("params").get("type").asText()).isEqualTo("test_request");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":" + (10 + i) + ",\"method\":\"public/test\",\"params\":{}}");
        assertThat(TestFeeds.parse(client.next()).get("result").get("version").isTextual()).isTrue();
      }
      assertThat(client.closed).isNotDone();
    }
  }

  @Test
  void unansweredHeartbeatDisconnects() throws Exception {
    try (Client client = new Client(simulator, "/ws/api/v2")) {
      client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"public/set_heartbeat\",\"params\":{\"interval\":0.2}}");
      assertThat(client.closed.get(10, TimeUnit.SECONDS)).isNotBlank();
    }
  }

  @Test
  void orderBookSnapshotOverRestAndJsonRpc() throws Exception {
    JsonNode rest = TestFeeds.parse(
        TestFeeds.get(simulator, "/api/v2/public/get_order_book?instrument_name=BTC-PERPETUAL&depth=5").body());
    assertThat(rest.get("result").get("bids")).hasSize(5);
    assertThat(rest.get("result").get("change_id").asLong()).isPositive();
    try (Client client = new Client(simulator, "/ws/api/v2")) {
      client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"public/get_order_book\","
          + "\"params\":{\"instrument_name\":\"BTC-PERPETUAL\",\"depth\":3}}");
      JsonNode result = TestFeeds.parse(client.next()).get("result");
      assertThat(result.get("asks")).hasSize(3);
      assertThat(result.get("best_bid_price").decimalValue()).isLessThan(result.get("best_ask_price").decimalValue());
    }
  }

  private static void apply(TreeMap<BigDecimal, BigDecimal> side, JsonNode entries) {
    for (JsonNode entry : entries) {
      String action = entry.get(0).asText();
      assertThat(action).isIn("new", "change", "delete");
      assertThat(entry.get(1).isNumber()).isTrue();
      if (action.equals("delete")) {
        assertThat(side.remove(entry.get(1).decimalValue())).as("deleted level existed").isNotNull();
      } else {
        BigDecimal previous = side.put(entry.get(1).decimalValue(), entry.get(2).decimalValue());
        assertThat(previous == null).as("new means absent before: " + entry).isEqualTo(action.equals("new"));
      }
    }
  }
}
