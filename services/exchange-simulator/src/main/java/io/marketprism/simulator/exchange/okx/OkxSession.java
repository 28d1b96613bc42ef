package io.marketprism.simulator.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.Json;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code /ws/v5/public} connection: text {@code ping} → {@code pong}; {@code {"op":"subscribe","args":[...]}}
 * and {@code unsubscribe}, acknowledged per argument with {@code {"event":"subscribe","arg":{...},"connId":"..."}};
 * errors as {@code {"event":"error","code":"60018","msg":"...","connId":"..."}}.
 *
 * <p>Thread-safety: requests arrive on the connection's event loop; {@code subscriptions} is only touched there.
 */
final class OkxSession implements ProtocolSession {

  private final Markets markets;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private final Map<String, Subscribed> subscriptions = new LinkedHashMap<>();

  private record Subscribed(List<Market> markets, OkxSubscription subscription) {}

  OkxSession(Markets markets, WebSocketConnection connection, FaultInjector faults) {
    this.markets = markets;
    this.connection = connection;
    this.faults = faults;
  }

  @Override
  public void onText(String text) {
    if (text.equals("ping")) {
      connection.send("pong");
      return;
    }
    JsonNode request = Json.parse(text).orElse(null);
    if (request == null || !request.isObject()) {
      error("60012", "Illegal request: " + text);
      return;
    }
    String op = request.path("op").asText("");
    JsonNode args = request.path("args");
    if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
      error("60012", "Illegal request: " + text);
      return;
    }
    if (!args.isArray() || args.isEmpty()) {
      error("60012", "Illegal request: " + text);
      return;
    }
    for (JsonNode arg : args) {
      if (op.equals("subscribe")) {
        subscribe(arg, text);
      } else {
        unsubscribe(arg, text);
      }
    }
  }

  private void subscribe(JsonNode arg, String request) {
    Optional<OkxChannel> channel = OkxChannel.of(arg.path("channel").asText(""));
    if (channel.isEmpty()) {
      error("60018", "Wrong URL or channel:" + arg.path("channel").asText("") + ", doesn't exist");
      return;
    }
    List<Market> targets = targets(channel.get(), arg);
    if (targets == null) {
      error("60018", "Wrong URL or channel:" + channel.get().wireName + ",instId:" + arg.path("instId").asText("")
          + " doesn't exist");
      return;
    }
    String canonical = canonical(channel.get(), arg);
    connection.send("{\"event\":\"subscribe\",\"arg\":" + canonical + ",\"connId\":\"" + connection.id() + "\"}");
    if (subscriptions.containsKey(canonical)) {
      return;
    }
    OkxSubscription subscription = new OkxSubscription(channel.get(), canonical, connection, faults);
    for (Market market : targets) {
      market.addListener(subscription, subscription::sendSnapshot);
    }
    subscriptions.put(canonical, new Subscribed(targets, subscription));
  }

  private void unsubscribe(JsonNode arg, String request) {
    Optional<OkxChannel> channel = OkxChannel.of(arg.path("channel").asText(""));
    if (channel.isEmpty() || targets(channel.get(), arg) == null) {
      error("60018", "Wrong URL or channel:" + arg.path("channel").asText("") + " doesn't exist");
      return;
    }
    String canonical = canonical(channel.get(), arg);
    Subscribed removed = subscriptions.remove(canonical);
    if (removed != null) {
      removed.markets().forEach(m -> m.removeListener(removed.subscription()));
    }
    connection.send("{\"event\":\"unsubscribe\",\"arg\":" + canonical + ",\"connId\":\"" + connection.id() + "\"}");
  }

  /** The markets an argument names, or null if it names none that exist. */
  private List<Market> targets(OkxChannel channel, JsonNode arg) {
    if (channel == OkxChannel.LIQUIDATION_ORDERS) {
      if (!"SWAP".equals(arg.path("instType").asText())) {
        return null;
      }
      List<Market> swaps = new ArrayList<>();
      markets.of(Exchange.OKX).values().stream().filter(m -> m.instrument().perpetual()).forEach(swaps::add);
      return swaps;
    }
    Optional<Market> market = markets.find(Exchange.OKX, arg.path("instId").asText(""));
    if (market.isEmpty() || channel.swapOnly && !market.get().instrument().perpetual()) {
      return null;
    }
    return List.of(market.get());
  }

  /** The argument as OKX echoes it: channel first, then the instrument or instrument type. */
  private static String canonical(OkxChannel channel, JsonNode arg) {
    ObjectNode echo = Json.nodes().objectNode().put("channel", channel.wireName);
    if (channel == OkxChannel.LIQUIDATION_ORDERS) {
      echo.put("instType", arg.path("instType").asText());
    } else {
      echo.put("instId", arg.path("instId").asText());
    }
    return echo.toString();
  }

  private void error(String code, String message) {
    connection.send(
        "{\"event\":\"error\",\"code\":\"" + code + "\",\"msg\":" + Json.quote(message) + ",\"connId\":\""
            + connection.id() + "\"}");
  }

  @Override
  public void onClose() {
    for (Subscribed subscribed : subscriptions.values()) {
      subscribed.markets().forEach(m -> m.removeListener(subscribed.subscription()));
    }
    subscriptions.clear();
  }
}
