package io.marketprism.simulator.exchange.deribit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.Json;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /ws/api/v2} connection speaking JSON-RPC 2.0: {@code public/subscribe}, {@code public/unsubscribe},
 * {@code public/set_heartbeat}, {@code public/disable_heartbeat}, {@code public/test}, {@code public/hello},
 * {@code public/get_time}, {@code public/get_order_book}.
 *
 * <p>Heartbeats: after {@code set_heartbeat {interval: n}} the server sends
 * {@code {"method":"heartbeat","params":{"type":"test_request"}}} every n seconds; a client that has not called
 * {@code public/test} since the previous request is disconnected, as Deribit does.
 *
 * <p>Thread-safety: everything here, the heartbeat timer included, runs on the connection's event loop.
 */
final class DeribitSession implements ProtocolSession {

  private static final Logger log = LoggerFactory.getLogger(DeribitSession.class);

  private final Markets markets;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private final Duration minHeartbeat;
  private final Map<String, Subscribed> subscriptions = new LinkedHashMap<>();
  private ScheduledFuture<?> heartbeat;
  private boolean testRequestOutstanding;

  private record Subscribed(Market market, DeribitSubscription subscription) {}

  DeribitSession(Markets markets, WebSocketConnection connection, FaultInjector faults, Duration minHeartbeat) {
    this.markets = markets;
    this.connection = connection;
    this.faults = faults;
    this.minHeartbeat = minHeartbeat;
  }

  @Override
  public void onText(String text) {
    long usIn = System.currentTimeMillis() * 1000;
    JsonNode request = Json.parse(text).orElse(null);
    if (request == null || !request.isObject()) {
      connection.send(DeribitRpc.error(null, -32700, "Parse error"));
      return;
    }
    JsonNode idNode = request.get("id");
    String id = idNode == null || idNode.isNull() ? null : idNode.toString();
    JsonNode params = request.path("params");
    String method = request.path("method").asText("");
    switch (method) {
      case "public/subscribe" -> subscribe(id, params, usIn);
      case "public/unsubscribe" -> connection.send(DeribitRpc.result(id, unsubscribe(params), usIn));
      case "public/set_heartbeat" -> setHeartbeat(id, params, usIn);
      case "public/disable_heartbeat" -> {
        stopHeartbeat();
        connection.send(DeribitRpc.result(id, "\"ok\"", usIn));
      }
      case "public/test", "public/hello" -> {
        testRequestOutstanding = false;
        connection.send(DeribitRpc.result(id, "{\"version\":\"" + DeribitRpc.VERSION + "\"}", usIn));
      }
      case "public/get_time" -> connection.send(DeribitRpc.result(id, Long.toString(System.currentTimeMillis()), usIn));
      case "public/get_order_book" -> connection.send(DeribitOrderBook.answer(markets, id, params, usIn));
      default -> connection.send(DeribitRpc.error(id, -32601, "Method not found"));
    }
  }

  /**
   * Subscribes to every valid channel; like Deribit, the result lists those subscribed and omits the rest. The
   * answer goes out before the subscriptions start, so a book snapshot always follows it.
   */
  private void subscribe(String id, JsonNode params, long usIn) {
    StringBuilder result = new StringBuilder("[");
    Map<String, Subscribed> added = new LinkedHashMap<>();
    for (JsonNode name : params.path("channels")) {
      Optional<DeribitChannel> channel = DeribitChannel.parse(name.asText());
      Optional<Market> market = channel.flatMap(c -> markets.find(Exchange.DERIBIT, c.instrument()));
      if (market.isEmpty()) {
        log.info("deribit client {} asked for unknown channel {}", connection.id(), name.asText());
        continue;
      }
      String channelName = channel.get().name();
      if (!subscriptions.containsKey(channelName) && !added.containsKey(channelName)) {
        DeribitSubscription subscription =
            new DeribitSubscription(channel.get(), new DeribitFormat(market.get().instrument()), connection, faults);
        added.put(channelName, new Subscribed(market.get(), subscription));
      }
      result.append(result.length() > 1 ? "," : "").append(Json.quote(channelName));
    }
    connection.send(DeribitRpc.result(id, result.append(']').toString(), usIn));
    for (Map.Entry<String, Subscribed> entry : added.entrySet()) {
      DeribitSubscription subscription = entry.getValue().subscription();
      entry.getValue().market().addListener(subscription, subscription::sendSnapshot);
      subscriptions.put(entry.getKey(), entry.getValue());
    }
  }

  private String unsubscribe(JsonNode params) {
    StringBuilder result = new StringBuilder("[");
    for (JsonNode name : params.path("channels")) {
      Subscribed removed = subscriptions.remove(name.asText());
      if (removed != null) {
        removed.market().removeListener(removed.subscription());
        result.append(result.length() > 1 ? "," : "").append(Json.quote(name.asText()));
      }
    }
    return result.append(']').toString();
  }

  private void setHeartbeat(String id, JsonNode params, long usIn) {
    JsonNode interval = params.path("interval");
    if (!interval.isNumber() || interval.asDouble() * 1000 < minHeartbeat.toMillis()) {
      connection.send(DeribitRpc.error(id, -32602, "Invalid params: interval must be a number of seconds >= "
          + minHeartbeat.toMillis() / 1000.0));
      return;
    }
    stopHeartbeat();
    long periodMs = (long) (interval.asDouble() * 1000);
    testRequestOutstanding = false;
    heartbeat = connection.eventLoop().scheduleAtFixedRate(this::heartbeat, periodMs, periodMs, TimeUnit.MILLISECONDS);
    connection.send(DeribitRpc.result(id, "\"ok\"", usIn));
  }

  private void heartbeat() {
    if (testRequestOutstanding) {
      log.info("deribit client {} did not answer the heartbeat test_request: disconnecting it", connection.id());
      stopHeartbeat();
      connection.abort();
      return;
    }
    testRequestOutstanding = true;
    connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"heartbeat\",\"params\":{\"type\":\"test_request\"}}");
  }

  private void stopHeartbeat() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  @Override
  public void onClose() {
    stopHeartbeat();
    for (Subscribed subscribed : subscriptions.values()) {
      subscribed.market().removeListener(subscribed.subscription());
    }
    subscriptions.clear();
  }
}
