package io.marketprism.collector.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.binance.BinanceMarket;
import io.marketprism.collector.exchange.binance.BinanceProtocol;
import io.marketprism.collector.exchange.deribit.DeribitProtocol;
import io.marketprism.collector.exchange.okx.OkxProtocol;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeedConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Listener listener = new Listener();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<FeedConnection> connections = new ArrayList<>();
  private FakeExchangeServer exchange;

  @BeforeEach
  void startExchange() throws Exception {
    exchange = new FakeExchangeServer();
  }

  @AfterEach
  void stopEverything() {
    connections.forEach(FeedConnection::close);
    exchange.close();
  }

  @Test
  void binanceReconnectsResubscribesAndResyncsTheBookAfterADroppedConnection() {
    BinanceProtocol protocol = new BinanceProtocol(BinanceMarket.SPOT);
    List<String> channels = new ArrayList<>(protocol.channels(DataType.DATA_TYPE_TRADE, "BTCUSDT"));
    channels.addAll(protocol.channels(DataType.DATA_TYPE_BOOK_DELTA, "BTCUSDT"));
    open(protocol, channels, settings().restUri(exchange.restUri()).build());

    await().atMost(WAIT).until(() -> exchange.received().size() == 1);
    assertThat(exchange.received().get(0))
        .isEqualTo("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\",\"btcusdt@depth@100ms\"],\"id\":1}");

    // First book: an update arrives, the connection fetches the REST snapshot, the book syncs.
    exchange.answerRestWith("{\"lastUpdateId\":158,\"bids\":[[\"100.0\",\"1\"]],\"asks\":[[\"101.0\",\"2\"]]}");
    exchange.push(combined("{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":157,\"u\":160,"
        + "\"b\":[[\"100.0\",\"3\"]],\"a\":[]}"));
    await().atMost(WAIT).until(() -> listener.books().size() == 2);
    assertThat(listener.books()).containsExactly("snapshot 158", "delta 160");
    assertThat(exchange.restRequests()).containsExactly("/api/v3/depth?symbol=BTCUSDT&limit=1000");

    exchange.dropConnections();

    // Reconnect, resubscribe, and a fresh snapshot re-seeds the book.
    await().atMost(WAIT).until(() -> exchange.handshakes() == 2 && exchange.received().size() == 2);
    assertThat(exchange.received().get(1)).contains("\"method\":\"SUBSCRIBE\"").contains("btcusdt@depth@100ms");
    exchange.answerRestWith("{\"lastUpdateId\":205,\"bids\":[[\"100.0\",\"4\"]],\"asks\":[]}");
    exchange.push(combined("{\"e\":\"depthUpdate\",\"E\":2,\"s\":\"BTCUSDT\",\"U\":200,\"u\":210,"
        + "\"b\":[[\"100.0\",\"5\"]],\"a\":[]}"));
    await().atMost(WAIT).until(() -> listener.books().size() == 4);
    assertThat(listener.books()).containsExactly("snapshot 158", "delta 160", "snapshot 205", "delta 210");
    assertThat(listener.rejects).isEmpty();

    exchange.push(combined("{\"e\":\"trade\",\"E\":3,\"s\":\"BTCUSDT\",\"t\":9,\"p\":\"100.5\",\"q\":\"1\",\"T\":3,"
        + "\"m\":false,\"M\":true}"));
    await().atMost(WAIT).until(() -> listener.events.stream().anyMatch(MarketEvent::hasTrade));
    ConnectionStatus status = connections.get(0).status();
    assertThat(status.connected()).isTrue();
    assertThat(status.reconnects()).isEqualTo(1);
    assertThat(status.lastMessageTime()).isNotNull();
  }

  @Test
  void okxSendsPingsAndResubscribesABookThatFellOutOfSync() {
    OkxProtocol protocol = new OkxProtocol();
    open(protocol, protocol.channels(DataType.DATA_TYPE_BOOK_DELTA, "BTC-USDT"),
        settings().keepAliveInterval(Duration.ofMillis(50)).build());

    await().atMost(WAIT).until(() -> exchange.received().size() >= 1);
    assertThat(exchange.received().get(0))
        .isEqualTo("{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}");

    exchange.push("{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"snapshot\",\"data\":[{"
        + "\"asks\":[[\"8476.99\",\"0.8\",\"0\",\"1\"]],\"bids\":[[\"8476.98\",\"415\",\"0\",\"13\"]],"
        + "\"ts\":\"1597026383085\",\"prevSeqId\":-1,\"seqId\":100}]}");
    exchange.push("{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"update\",\"data\":[{"
        + "\"asks\":[],\"bids\":[[\"8476.98\",\"1\",\"0\",\"1\"]],\"ts\":\"1597026383185\",\"prevSeqId\":97,"
        + "\"seqId\":101}]}");

    await().atMost(WAIT).until(() -> exchange.received().contains(
        "{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}"));
    assertThat(listener.resyncs).contains("SEQUENCE_GAP BTC-USDT");
    assertThat(listener.books()).containsExactly("snapshot 100");
    await().atMost(WAIT).until(() -> exchange.received().contains("ping"));
  }

  @Test
  void okxSendsAtMost480SubscriptionRequestsOnAConnectionAndTheNextConnectionSubscribesEverythingThatWaited() {
    OkxProtocol protocol = new OkxProtocol();
    List<String> wanted = new ArrayList<>(protocol.channels(DataType.DATA_TYPE_TRADE, "BTC-USDT"));
    open(protocol, wanted, settings().build());
    await().atMost(WAIT).until(() -> requests().size() == 1);

    // One subscribe request per change: the initial subscribe and 479 changes use the hour's 480; 6 must wait.
    for (int i = 0; i < 485; i++) {
      wanted.addAll(protocol.channels(DataType.DATA_TYPE_TRADE, "C" + i + "-USDT"));
      connections.get(0).changeChannels(wanted);
    }
    await().atMost(WAIT).until(() -> requests().size() == 480 && connections.get(0).status().requestWaits() == 1);

    // A new connection has a new budget: it subscribes the whole list, the waiting channels included.
    exchange.dropConnections();
    await().atMost(WAIT).until(() -> exchange.handshakes() == 2 && requests().size() == 485);
    List<String> resubscribed = new ArrayList<>();
    for (String request : requests().subList(480, 485)) {
      assertThat(request).startsWith("{\"op\":\"subscribe\"");
      resubscribed.addAll(okxArgs(request));
    }
    assertThat(resubscribed).containsExactlyElementsOf(wanted);
  }

  /** The subscribe/unsubscribe requests the exchange received (not keep-alives). */
  private List<String> requests() {
    return exchange.received().stream().filter(message -> message.startsWith("{\"op\"")).toList();
  }

  private static List<String> okxArgs(String request) {
    String args = request.substring(request.indexOf('[') + 1, request.lastIndexOf(']'));
    return List.of(args.replace("},{", "}\n{").split("\n"));
  }

  @Test
  void deribitSetsAHeartbeatAndAnswersTestRequests() {
    DeribitProtocol protocol = new DeribitProtocol();
    open(protocol, protocol.channels(DataType.DATA_TYPE_TRADE, "BTC-PERPETUAL"), settings().build());

    await().atMost(WAIT).until(() -> exchange.received().size() == 2);
    assertThat(exchange.received().get(0)).contains("\"method\":\"public/set_heartbeat\"");
    assertThat(exchange.received().get(1)).contains("\"method\":\"public/subscribe\"")
        .contains("\"channels\":[\"trades.BTC-PERPETUAL.100ms\"]");

    exchange.push("{\"jsonrpc\":\"2.0\",\"method\":\"heartbeat\",\"params\":{\"type\":\"test_request\"}}");

    await().atMost(WAIT).until(() -> exchange.received().size() == 3);
    assertThat(exchange.received().get(2)).contains("\"method\":\"public/test\"");
  }

  @Test
  void silentConnectionIsReplaced() {
    DeribitProtocol protocol = new DeribitProtocol();
    open(protocol, protocol.channels(DataType.DATA_TYPE_TRADE, "BTC-PERPETUAL"),
        settings().idleTimeout(Duration.ofMillis(300)).build());

    await().atMost(WAIT).until(() -> exchange.handshakes() >= 2);
    assertThat(connections.get(0).status().reconnects()).isPositive();
  }

  @Test
  void quietConnectionIsProbedWithPings() {
    BinanceProtocol protocol = new BinanceProtocol(BinanceMarket.SPOT);
    // Idle timeout 2 s: a probe after every 0.5 s of quiet. Nothing is pushed, so only the probes draw pongs.
    open(protocol, protocol.channels(DataType.DATA_TYPE_TRADE, "BTCUSDT"),
        settings().restUri(exchange.restUri()).idleTimeout(Duration.ofSeconds(2)).build());

    await().atMost(WAIT).until(() -> exchange.pongs() >= 2);
  }

  @Test
  void reconnectsAndResubscribesBeforeTheExchangesConnectionLifetimeEnds() {
    BinanceProtocol protocol = new BinanceProtocol(BinanceMarket.SPOT);
    // Binance closes connections after 24 h; a margin of 24 h minus 300 ms renews this one after 300 ms.
    open(protocol, protocol.channels(DataType.DATA_TYPE_TRADE, "BTCUSDT"), settings()
        .restUri(exchange.restUri())
        .lifetimeMargin(Duration.ofHours(24).minusMillis(300))
        .build());

    await().atMost(WAIT).until(() -> exchange.handshakes() >= 2
        && exchange.received().stream().filter(m -> m.contains("SUBSCRIBE")).count() >= 2);
    assertThat(connections.get(0).status().reconnects()).isPositive();
  }

  @Test
  void rejectsABinanceConnectionWithoutARestUrlForSnapshots() {
    BinanceProtocol protocol = new BinanceProtocol(BinanceMarket.SPOT);

    assertThatThrownBy(() -> FeedConnection.open(protocol, settings().build(), List.of("btcusdt@depth@100ms"),
        listener, http)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restUri");
  }

  private ConnectionSettings.Builder settings() {
    return ConnectionSettings.builder(exchange.webSocketUri())
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .connectTimeout(Duration.ofSeconds(5));
  }

  private void open(io.marketprism.collector.exchange.ExchangeProtocol protocol, List<String> channels,
      ConnectionSettings settings) {
    connections.add(FeedConnection.open(protocol, settings, channels, listener, http));
  }

  private static String combined(String data) {
    return "{\"stream\":\"btcusdt@depth@100ms\",\"data\":" + data + "}";
  }

  /** Records across threads: the connection calls it on its own thread. */
  private static final class Listener implements FeedListener {
    final List<MarketEvent> events = new CopyOnWriteArrayList<>();
    final List<FrameReject> rejects = new CopyOnWriteArrayList<>();
    final List<String> resyncs = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(MarketEvent event) {
      events.add(event);
    }

    @Override
    public void onReject(FrameReject reject) {
      rejects.add(reject);
    }

    @Override
    public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {
      resyncs.add(reason + " " + nativeSymbol);
    }

    List<String> books() {
      List<String> books = new ArrayList<>();
      for (MarketEvent event : events) {
        if (event.hasBookSnapshot()) {
          books.add("snapshot " + event.getBookSnapshot().getLastSequence());
        } else if (event.hasBookDelta()) {
          books.add("delta " + event.getBookDelta().getLastSequence());
        }
      }
      return books;
    }
  }
}
