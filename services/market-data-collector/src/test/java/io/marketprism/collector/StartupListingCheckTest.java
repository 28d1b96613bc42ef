package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.simulator.ExchangeSimulator;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configured subscriptions are checked against the exchange's instrument list once it loads: a symbol the exchange
 * does not list is reported in the feed's last error, and the collector keeps running.
 */
@WithNats
class StartupListingCheckTest {

  @Test
  void configuredSymbolsTheExchangeDoesNotListAreReportedOnceTheListLoadsNotFatal(NatsServer nats, @TempDir Path dir)
      throws Exception {
    Path config = Files.writeString(dir.resolve("collector.yaml"), """
        subscriptions:
          - exchange: okx
            symbols: [BTC-USDT, ETH-USDT, DOGE-USDT]
            data-types: [trade]
        """);
    AtomicBoolean listServed = new AtomicBoolean();
    try (ExchangeSimulator simulator = SimulatorFixture.start(Map.of("MARKETPRISM_MARKETS_OKX", "BTC-USDT"));
        HeldInstrumentList okxRest = new HeldInstrumentList(simulator, listServed);
        CollectorFixture collector = CollectorFixture.start(simulator, nats, config, Map.of(
            "MARKETPRISM_EXCHANGES_OKX_REST_URL", okxRest.url(),
            "MARKETPRISM_INSTRUMENTS_RETRY_INTERVAL", "100ms"))) {
      // Before the list loads nothing is checked: the collector starts with all three, and OKX refuses the unlisted.
      await().until(() -> collector.feed("okx", DataType.DATA_TYPE_TRADE).getLastError().contains("60018"));

      listServed.set(true);

      await().until(() -> collector.feed("okx", DataType.DATA_TYPE_TRADE).getLastError().startsWith("not listed"));
      assertThat(collector.feed("okx", DataType.DATA_TYPE_TRADE).getLastError())
          .isEqualTo("not listed by okx (from the configured subscriptions): DOGE-USDT, ETH-USDT; subscribed, but the "
              + "exchange sends nothing for them");
      // Not fatal: the service answers, the whole configured set stays, and the listed symbol flows.
      assertThat(collector.stub.listSubscriptions(ListSubscriptionsRequest.getDefaultInstance()).getSubscriptionsList())
          .extracting(Subscription::getSymbol).containsExactly("BTC-USDT", "DOGE-USDT", "ETH-USDT");
      await().until(() -> collector.feed("okx", DataType.DATA_TYPE_TRADE).getMessagesTotal() > 0);
    }
  }

  /** OKX's REST root: 503 until {@code served} is set, then the simulator's own answers, relayed. */
  private static final class HeldInstrumentList implements AutoCloseable {
    private final HttpServer server;

    HeldInstrumentList(ExchangeSimulator simulator, AtomicBoolean served) throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          if (!served.get()) {
            exchange.sendResponseHeaders(503, -1);
            return;
          }
          HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(
              URI.create("http://" + simulator.hostPort() + exchange.getRequestURI())).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(answer.body());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
