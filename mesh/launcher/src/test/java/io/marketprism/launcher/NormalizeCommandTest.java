package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NormalizeCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void turnsRawAndCombinedBinanceFramesIntoTradeLinesAndReportsBadLinesByNumber() {
    String frames =
        String.join(
            "\n",
            "{\"e\":\"trade\",\"E\":1700000000123,\"s\":\"BTCUSDT\",\"t\":12345,\"p\":\"42219.90\","
                + "\"q\":\"0.00010000\",\"T\":1700000000120,\"m\":true,\"M\":true}",
            "not json",
            "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1700000000123,\"s\":\"BTCUSDT\","
                + "\"t\":12346,\"p\":\"42219.91\",\"q\":\"0.5\",\"T\":1700000000121,\"m\":false,\"M\":true}}");

    int exitCode = normalize("binance", frames);

    assertThat(exitCode).isZero();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .startsWith(
            "{\"trade\":{\"exchange\":\"binance\",\"symbol\":\"BTC-USDT\","
                + "\"native_symbol\":\"BTCUSDT\",\"trade_id\":\"12345\",\"side\":\"SIDE_SELL\",\"price\":\"42219.90\","
                + "\"amount\":\"0.00010000\",\"exchange_time_ns\":\"1700000000120000000\"");
    assertThat(lines[1])
        .contains("\"trade_id\":\"12346\"", "\"side\":\"SIDE_BUY\"", "\"price\":\"42219.91\"");
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("line 2: ");
  }

  @Test
  void aBinanceBookSeededByAnEarlierSnapshotLineReportsNothing() {
    String frames =
        String.join(
            "\n",
            "{\"lastUpdateId\":162,\"bids\":[[\"0.0024\",\"11\"]],\"asks\":[[\"0.0026\",\"90\"]]}",
            "{\"e\":\"depthUpdate\",\"E\":1672515782236,\"s\":\"BNBBTC\",\"U\":161,\"u\":165,"
                + "\"b\":[[\"0.0024\",\"12\"]],\"a\":[]}");

    assertThat(normalize("binance", frames)).isZero();

    assertThat(out.toString(StandardCharsets.UTF_8).split("\n"))
        .extracting(line -> line.substring(0, line.indexOf(':')))
        .containsExactly("{\"book_snapshot\"", "{\"book_delta\"");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void unknownExchangeIsAUsageError() {
    assertThat(normalize("kraken", "")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("kraken");
  }

  private int normalize(String exchange, String stdin) {
    NormalizeCommand command =
        new NormalizeCommand(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    command.exchange = exchange;
    return command.call();
  }
}
