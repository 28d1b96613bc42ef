package io.marketprism.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.simulator.TestFeeds;
import io.marketprism.simulator.TestFeeds.Client;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault, switched on through the admin API, as a client sees it. */
class FaultInjectionTest {

  private ExchangeSimulator simulator;

  @BeforeEach
  void start() throws InterruptedException {
    simulator = TestFeeds.start(Map.of());
  }

  @AfterEach
  void stop() throws InterruptedException {
    simulator.close();
  }

  private void faults(String body) throws Exception {
    var response = TestFeeds.post(simulator, "/admin/faults", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void dropConnectionsClosesOpenClients() throws Exception {
    try (Client okx = new Client(simulator, "/ws/v5/public");
        Client binance = new Client(simulator, "/ws/btcusdt@trade")) {
      var response = TestFeeds.post(simulator, "/admin/faults/drop-connections", "{\"exchange\":\"okx\"}");
      assertThat(TestFeeds.parse(response.body()).get("dropped").asInt()).isEqualTo(1);
      assertThat(okx.awaitClosed(10)).isNotBlank();
      assertThat(binance.closed).isNotDone();
      binance.next(); // still flowing
    }
  }

  @Test
  void dropConnectionsEveryIntervalKeepsDroppingNewClients() throws Exception {
    faults("{\"drop-connections-every\":\"200ms\"}");
    for (int i = 0; i < 2; i++) {
      try (Client client = new Client(simulator, "/ws/btcusdt@trade")) {
        assertThat(client.awaitClosed(10)).isNotBlank();
      }
    }
  }

  @Test
  void sequenceGapBreaksTheOkxSeqIdChain() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}");
      client.next();
      long seqId = TestFeeds.parse(client.next()).get("data").get(0).get("seqId").asLong();
      JsonNode first = TestFeeds.parse(client.next()).get("data").get(0);
      assertThat(first.get("prevSeqId").asLong()).isEqualTo(seqId);
      faults("{\"sequence-gap-probability\":0.5}");
      boolean gap = false;
      seqId = first.get("seqId").asLong();
      for (int i = 0; i < 40 && !gap; i++) {
        JsonNode update = TestFeeds.parse(client.next()).get("data").get(0);
        gap = update.get("prevSeqId").asLong() != seqId;
        seqId = update.get("seqId").asLong();
      }
      assertThat(gap).isTrue();
    }
  }

  @Test
  void sequenceGapBreaksTheBinanceUpdateIdChain() throws Exception {
    faults("{\"sequence-gap-probability\":0.5}");
    try (Client client = new Client(simulator, "/ws/btcusdt@depth@100ms")) {
      long lastU = TestFeeds.parse(client.next()).get("u").asLong();
      boolean gap = false;
      for (int i = 0; i < 40 && !gap; i++) {
        JsonNode event = TestFeeds.parse(client.next());
        gap = event.get("U").asLong() != lastU + 1;
        lastU = event.get("u").asLong();
      }
      assertThat(gap).isTrue();
    }
  }

  @Test
  void badChecksumFaultGivesOkxUpdatesThatDoNotMatchTheBook() throws Exception {
    try (Client client = new Client(simulator, "/ws/v5/public")) {
      client.send("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}");
      client.next();
      JsonNode snapshot = TestFeeds.parse(client.next()).get("data").get(0);
      TreeMap<BigDecimal, String[]> bids = new TreeMap<>(Comparator.reverseOrder());
      TreeMap<BigDecimal, String[]> asks = new TreeMap<>();
      io.marketprism.simulator.exchange.okx.OkxBooks.apply(bids, snapshot.get("bids"));
      io.marketprism.simulator.exchange.okx.OkxBooks.apply(asks, snapshot.get("asks"));
      faults("{\"bad-checksum-probability\":1}");
      boolean mismatch = false;
      for (int i = 0; i < 20 && !mismatch; i++) {
        JsonNode update = TestFeeds.parse(client.next()).get("data").get(0);
        io.marketprism.simulator.exchange.okx.OkxBooks.apply(bids, update.get("bids"));
        io.marketprism.simulator.exchange.okx.OkxBooks.apply(asks, update.get("asks"));
        mismatch = io.marketprism.simulator.exchange.okx.OkxBooks.checksum(bids, asks) != update.get("checksum").asInt();
      }
      assertThat(mismatch).isTrue();
      assertThat(TestFeeds.parse(TestFeeds.get(simulator, "/admin/faults").body()).get("injected").get("bad-checksums")
          .asLong()).isPositive();
    }
  }

  @Test
  void malformedFramesAreInvalidJsonOrMissAField() throws Exception {
    faults("{\"malformed-frame-probability\":1,\"malformed-kind\":\"invalid-json\"}");
    try (Client client = new Client(simulator, "/ws/btcusdt@trade")) {
      String frame = client.next();
      assertThatNotJson(frame);
    }
    faults("{\"malformed-kind\":\"missing-field\"}");
    try (Client client = new Client(simulator, "/ws/btcusdt@trade")) {
      JsonNode trade = TestFeeds.parse(client.next());
      int present = 0;
      for (String field : new String[] {"e", "E", "s", "t", "p", "q", "T", "m", "M"}) {
        present += trade.has(field) ? 1 : 0;
      }
      assertThat(present).isEqualTo(8);
    }
  }

  @Test
  void invalidFaultSettingsAreRejectedWithTheKeyAtFault() throws Exception {
    var response = TestFeeds.post(simulator, "/admin/faults", "{\"sequence-gap-probability\":2}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("sequence-gap-probability");
    response = TestFeeds.post(simulator, "/admin/faults", "{\"sequence-gap\":0.1}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("unknown key sequence-gap");
  }

  private static void assertThatNotJson(String frame) {
    try {
      TestFeeds.JSON.readTree(frame);
      throw new AssertionError("expected a frame that is not JSON, got " + frame);
    } catch (IOException expected) {
      // the client sees a frame it cannot parse
    }
  }
}
