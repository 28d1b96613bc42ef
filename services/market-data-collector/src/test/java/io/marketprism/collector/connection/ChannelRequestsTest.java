package io.marketprism.collector.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceProtocol;
import io.marketprism.collector.exchange.okx.OkxProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** OKX's 480 subscribe/unsubscribe requests an hour per connection, on a clock the test moves. */
class ChannelRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  private final AtomicLong clock = new AtomicLong(1_000);
  private final ChannelRequests okx = new ChannelRequests(new OkxProtocol(), clock::get);

  /** Spends the whole hour's budget on 480 one-channel subscribes, sent at once. */
  private void spendTheHour() {
    for (int i = 0; i < 480; i++) {
      okx.subscribe(List.of(channel("trades", "S" + i + "-USDT")));
      assertThat(okx.take()).hasSize(1);
    }
  }

  @Test
  void the481stRequestWaitsForTheOldestToLeaveTheHourThenGoesMergedWithTheOthersThatWaited() throws Exception {
    spendTheHour();

    okx.subscribe(List.of(channel("trades", "BTC-USDT")));
    assertThat(okx.take()).as("beyond 480 an hour nothing is sent").isEmpty();
    clock.addAndGet(HOUR / 2);
    okx.subscribe(List.of(channel("trades", "ETH-USDT")));
    okx.subscribe(List.of(channel("books", "ETH-USDT")));
    assertThat(okx.take()).isEmpty();
    assertThat(okx.pending()).isTrue();
    assertThat(okx.waits()).as("one wait, however many requests join it").isEqualTo(1);
    assertThat(okx.nextTakeNanos()).isEqualTo(1_000 + HOUR);

    clock.set(1_000 + HOUR - 1);
    assertThat(okx.take()).isEmpty();
    clock.set(1_000 + HOUR);
    List<String> sent = okx.take();

    assertThat(sent).hasSize(1);
    assertThat(args(sent.get(0), "subscribe")).containsExactly(
        channel("trades", "BTC-USDT"), channel("trades", "ETH-USDT"), channel("books", "ETH-USDT"));
    assertThat(okx.pending()).isFalse();
  }

  @Test
  void changesThatCancelOutWhileWaitingSendNothing() throws Exception {
    String live = channel("trades", "LIVE-USDT");
    okx.subscribe(List.of(live));
    assertThat(okx.take()).hasSize(1);
    for (int i = 1; i < 480; i++) {
      okx.subscribe(List.of(channel("trades", "S" + i + "-USDT")));
      okx.take();
    }

    String added = channel("trades", "NEW-USDT");
    okx.subscribe(List.of(added));
    okx.unsubscribe(List.of(added));  // never sent: nothing to undo
    okx.unsubscribe(List.of(live));
    okx.subscribe(List.of(live));     // still subscribed at the exchange: nothing to redo
    okx.resubscribe(List.of(channel("books", "KEPT-USDT")));

    clock.addAndGet(HOUR);
    List<String> sent = okx.take();

    assertThat(sent).as("only the re-sync is owed: unsubscribe then subscribe again").hasSize(2);
    assertThat(args(sent.get(0), "unsubscribe")).containsExactly(channel("books", "KEPT-USDT"));
    assertThat(args(sent.get(1), "subscribe")).containsExactly(channel("books", "KEPT-USDT"));
  }

  @Test
  void aBacklogLargerThanTheRoomGoesOutInPartsAndNoChannelIsDropped() throws Exception {
    for (int i = 0; i < 478; i++) {
      okx.subscribe(List.of(channel("trades", "S" + i + "-USDT")));
      okx.take();
    }
    List<String> wanted = IntStream.range(0, 250).mapToObj(i -> channel("trades", "W" + i + "-USDT")).toList();
    okx.subscribe(wanted);
    okx.unsubscribe(List.of(channel("trades", "S7-USDT")));

    List<String> first = okx.take();

    assertThat(first).as("room for two: the unsubscribe and one subscribe of 100 channels").hasSize(2);
    assertThat(args(first.get(0), "unsubscribe")).containsExactly(channel("trades", "S7-USDT"));
    assertThat(args(first.get(1), "subscribe")).hasSize(100);
    assertThat(okx.take()).isEmpty();
    assertThat(okx.waits()).isEqualTo(1);

    clock.addAndGet(HOUR);
    List<String> rest = okx.take();

    Set<String> subscribed = new LinkedHashSet<>(args(first.get(1), "subscribe"));
    for (String message : rest) {
      subscribed.addAll(args(message, "subscribe"));
    }
    assertThat(rest).hasSize(2);
    assertThat(subscribed).containsExactlyElementsOf(wanted);
    assertThat(okx.pending()).isFalse();
  }

  @Test
  void aNewConnectionStartsWithTheWholeBudgetAndOwesNothingToTheOldOne() {
    spendTheHour();
    okx.subscribe(List.of(channel("trades", "LATE-USDT")));
    assertThat(okx.take()).isEmpty();

    okx.reset();

    assertThat(okx.pending()).isFalse();
    okx.subscribe(List.of(channel("trades", "BTC-USDT")));
    assertThat(okx.take()).hasSize(1);
  }

  @Test
  void exchangesWithoutALimitSendEverythingAtOnce() {
    ChannelRequests binance = new ChannelRequests(new BinanceProtocol(BinanceMarket.SPOT), clock::get);
    int sent = 0;
    for (int i = 0; i < 2000; i++) {
      binance.subscribe(List.of("s" + i + "@trade"));
      sent += binance.take().size();
    }
    assertThat(sent).isEqualTo(2000);
    assertThat(binance.pending()).isFalse();
    assertThat(binance.waits()).isZero();
  }

  private static String channel(String name, String instId) {
    return "{\"channel\":\"" + name + "\",\"instId\":\"" + instId + "\"}";
  }

  /** The args of an OKX request with op {@code op}, each as the compact JSON the protocol writes. */
  private static List<String> args(String message, String op) throws Exception {
    JsonNode request = JSON.readTree(message);
    assertThat(request.path("op").asText()).isEqualTo(op);
    List<String> args = new ArrayList<>();
    request.path("args").forEach(arg -> args.add(arg.toString()));
    return args;
  }
}
