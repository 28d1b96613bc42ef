package io.marketprism.collector.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.collector.exchange.Frames;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizeSessionTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 5), ZoneOffset.UTC);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void printsATradeAsOneLineOfProtoJsonWithProtoFieldNames() {
    int code = run("binance", Frames.frame("binance/trade-spot-raw.json"));

    assertThat(code).isZero();
    assertThat(stdout()).containsExactly("{\"trade\":{\"exchange\":\"binance\",\"symbol\":\"BNB-BTC\","
        + "\"native_symbol\":\"BNBBTC\",\"trade_id\":\"12345\",\"side\":\"SIDE_SELL\",\"price\":\"0.00100000\","
        + "\"amount\":\"100.00000000\",\"exchange_time_ns\":\"1672515782134000000\","
        + "\"receive_time_ns\":\"1700000000000000005\"}}");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void reportsUnusableFramesByLineAndCarriesOn() {
    int code = run("okx", String.join("\n",
        "pong",
        "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"}}",
        "{oops",
        "",
        Frames.frame("okx/trades.json")));

    assertThat(code).isZero();
    assertThat(stdout()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"trade\":{"));
    assertThat(stderr()).singleElement().satisfies(line -> assertThat(line).startsWith("line 3: malformed JSON"));
  }

  @Test
  void keepsBookStateAcrossLinesAndReportsChecksumMismatches() {
    int code = run("okx", String.join("\n", Frames.lines("okx/books-bad-checksum.jsonl")));

    assertThat(code).isZero();
    assertThat(stdout()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"book_snapshot\":{"));
    assertThat(stderr()).singleElement()
        .satisfies(line -> assertThat(line).startsWith("line 2: checksum mismatch: BTC-USDT: checksum 123456789"));
  }

  @Test
  void binanceBookIsSeededByARestSnapshotLineAndGapsAreReported() {
    int code = run("binance", String.join("\n", Frames.lines("binance/depth-spot-gap.jsonl")));

    assertThat(code).isZero();
    assertThat(stdout()).extracting(line -> line.substring(2, line.indexOf('"', 2)))
        .containsExactly("book_snapshot", "book_delta", "book_snapshot", "book_delta", "book_delta");
    assertThat(stdout().get(0)).contains("\"last_sequence\":\"160\"");
    assertThat(stderr()).containsExactly("line 3: sequence gap: BNBBTC: expected U=162, got U=165");
  }

  @Test
  void aBinanceSnapshotLineBeforeTheUpdatesIsNoProblemToReport() {
    List<String> happy = Frames.lines("binance/depth-spot-happy.jsonl");
    int code = run("binance", String.join("\n", happy.get(2), happy.get(0), happy.get(1), happy.get(3)));

    assertThat(code).isZero();
    assertThat(stdout()).extracting(line -> line.substring(2, line.indexOf('"', 2)))
        .containsExactly("book_snapshot", "book_delta", "book_delta");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void binanceUpdatesBufferedUntilALaterSnapshotLineAreNoProblemEither() {
    int code = run("binance", String.join("\n", Frames.lines("binance/depth-spot-happy.jsonl")));

    assertThat(code).isZero();
    assertThat(stdout()).hasSize(3);
    assertThat(stderr()).isEmpty();
  }

  @Test
  void okxUpdatesSkippedForWantOfASnapshotAreStillReported() {
    List<String> books = Frames.lines("okx/books-legacy-happy.jsonl");
    run("okx", books.get(2));

    assertThat(stdout()).isEmpty();
    assertThat(stderr()).containsExactly("line 1: BTC-USDT: update before any snapshot, skipped");
  }

  @Test
  void reportsBinanceUpdatesThatNoSnapshotEverSeeded() {
    run("binance", Frames.lines("binance/depth-futures.jsonl").get(0));

    assertThat(stdout()).isEmpty();
    assertThat(stderr()).last().satisfies(line -> assertThat(line)
        .startsWith("line 1: end of input: depth updates of BTCUSDT never applied"));
  }

  @Test
  void deribitControlFramesAreSilent() {
    int code = run("deribit", String.join("\n", Frames.lines("deribit/control.jsonl")) + "\n"
        + Frames.frame("deribit/test-request.json"));

    assertThat(code).isZero();
    assertThat(stdout()).isEmpty();
    assertThat(stderr()).isEmpty();
  }

  @Test
  void unknownExchangeExitsWithTwoAndSaysWhichAreKnown() {
    int code = run("kraken", "{}");

    assertThat(code).isEqualTo(NormalizeSession.UNKNOWN_EXCHANGE);
    assertThat(stderr()).containsExactly("unknown exchange \"kraken\": expected one of binance, okx, deribit");
  }

  private int run(String exchange, String input) {
    return NormalizeSession.run(exchange, new BufferedReader(new StringReader(input)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), CLOCK);
  }

  private List<String> stdout() {
    return lines(out);
  }

  private List<String> stderr() {
    return lines(err);
  }

  private static List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : new ArrayList<>(text.lines().toList());
  }
}
