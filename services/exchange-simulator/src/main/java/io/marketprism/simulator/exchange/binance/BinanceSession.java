package io.marketprism.simulator.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketprism.simulator.fault.FaultInjector;
import io.marketprism.simulator.feed.Json;
import io.marketprism.simulator.feed.ProtocolSession;
import io.marketprism.simulator.feed.WebSocketConnection;
import io.marketprism.simulator.market.Exchange;
import io.marketprism.simulator.market.Market;
import io.marketprism.simulator.market.Markets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Binance market-stream connection: the streams named in its URL, then {@code SUBSCRIBE}, {@code UNSUBSCRIBE},
 * {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY}/{@code GET_PROPERTY combined} requests, answered as Binance does
 * ({@code {"result":null,"id":1}}, errors as {@code {"error":{"code":2,"msg":"..."},"id":1}}).
 *
 * <p>Like Binance, a well-formed stream name for a symbol that is not listed is accepted and simply never pushes.
 *
 * <p>Thread-safety: requests arrive on the connection's event loop; {@code subscriptions} is only touched there.
 */
final class BinanceSession implements ProtocolSession {

  private static final Logger log = LoggerFactory.getLogger(BinanceSession.class);

  private final Exchange exchange;
  private final Markets markets;
  private final WebSocketConnection connection;
  private final FaultInjector faults;
  private boolean combined;
  private final Map<String, Subscribed> subscriptions = new LinkedHashMap<>();

  private record Subscribed(Optional<Market> market, BinanceSubscription subscription) {}

  BinanceSession(Exchange exchange, Markets markets, WebSocketConnection connection, FaultInjector faults, boolean combined) {
    this.exchange = exchange;
    this.markets = markets;
    this.connection = connection;
    this.faults = faults;
    this.combined = combined;
  }

  /**
   * Subscribes to streams named in the URL.
   *
   * @throws IllegalArgumentException naming the first stream that does not exist
   */
  void subscribeAll(List<String> names) {
    for (String name : names) {
      if (!subscribe(name)) {
        throw new IllegalArgumentException("Invalid request: unknown stream " + name);
      }
    }
  }

  @Override
  public void onText(String text) {
    JsonNode request = Json.parse(text).orElse(null);
    if (request == null || !request.isObject()) {
      error(3, "Invalid JSON: expected value at line 1 column 1", "null");
      return;
    }
    JsonNode idNode = request.get("id");
    if (idNode == null || !idNode.canConvertToExactIntegral() || idNode.asLong() < 0) {
      error(2, "Invalid request: request ID must be an unsigned integer", "null");
      return;
    }
    String id = idNode.asText();
    String method = request.path("method").asText("");
    JsonNode params = request.path("params");
    switch (method) {
      case "SUBSCRIBE", "UNSUBSCRIBE" -> {
        if (!params.isArray() || params.isEmpty()) {
          error(2, "Invalid request: params must be a non-empty list of stream names", id);
          return;
        }
        // every name is checked before any is applied, and the answer goes out before the first data frame of a
        // new stream, as Binance does
        for (JsonNode param : params) {
          if (BinanceStreamName.parse(param.asText(), exchange == Exchange.BINANCE_FUTURES).isEmpty()) {
            error(2, "Invalid request: unknown stream " + param.asText(), id);
            return;
          }
        }
        connection.send("{\"result\":null,\"id\":" + id + "}");
        for (JsonNode param : params) {
          if (method.equals("SUBSCRIBE")) {
            subscribe(param.asText());
          } else {
            unsubscribe(param.asText());
          }
        }
      }
      case "LIST_SUBSCRIPTIONS" -> {
        StringBuilder out = new StringBuilder("{\"result\":[");
        String separator = "";
        for (String name : subscriptions.keySet()) {
          out.append(separator).append(Json.quote(name));
          separator = ",";
        }
        connection.send(out.append("],\"id\":").append(id).append('}'));
      }
      case "SET_PROPERTY" -> setProperty(params, id);
      case "GET_PROPERTY" -> {
        if (!"combined".equals(params.path(0).asText())) {
          error(0, "Unknown property", id);
        } else {
          connection.send("{\"result\":" + combined + ",\"id\":" + id + "}");
        }
      }
      default ->
          error(2, "Invalid request: unknown variant " + method
              + ", expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY", id);
    }
  }

  private void setProperty(JsonNode params, String id) {
    if (!"combined".equals(params.path(0).asText())) {
      error(0, "Unknown property", id);
    } else if (!params.path(1).isBoolean()) {
      error(1, "Invalid value type: expected Boolean", id);
    } else if (!subscriptions.isEmpty()) {
      // the frames already flowing were formatted for the old setting; keep it simple and honest
      error(2, "Invalid request: the simulator only changes combined before the first subscription", id);
    } else {
      combined = params.path(1).asBoolean();
      connection.send("{\"result\":null,\"id\":" + id + "}");
    }
  }

  private boolean subscribe(String name) {
    if (subscriptions.containsKey(name)) {
      return true;
    }
    Optional<BinanceStreamName> stream = BinanceStreamName.parse(name, exchange == Exchange.BINANCE_FUTURES);
    if (stream.isEmpty()) {
      return false;
    }
    Optional<Market> market = markets.find(exchange, stream.get().symbol());
    if (market.isEmpty()) {
      log.warn("binance client {} subscribed to {}, but {} is not simulated: it will get nothing",
          connection.id(), name, stream.get().symbol());
      subscriptions.put(name, new Subscribed(market, null));
      return true;
    }
    Market m = market.get();
    BinanceFormat format = new BinanceFormat(m.instrument());
    BinanceSubscription subscription = new BinanceSubscription(stream.get(), format, connection, faults, combined);
    // the first depth event's pu must be the u of the update before it: read the sequence under the market's lock
    m.addListener(subscription, locked -> subscription.startAfter(locked.sequence()));
    subscriptions.put(name, new Subscribed(market, subscription));
    return true;
  }

  private boolean unsubscribe(String name) {
    if (BinanceStreamName.parse(name, exchange == Exchange.BINANCE_FUTURES).isEmpty()) {
      return false;
    }
    Subscribed removed = subscriptions.remove(name);
    if (removed != null && removed.subscription() != null) {
      removed.market().ifPresent(m -> m.removeListener(removed.subscription()));
    }
    return true;
  }

  private void error(int code, String message, String id) {
    connection.send("{\"error\":{\"code\":" + code + ",\"msg\":" + Json.quote(message) + "},\"id\":" + id + "}");
  }

  @Override
  public void onClose() {
    for (Subscribed subscribed : subscriptions.values()) {
      if (subscribed.subscription() != null) {
        subscribed.market().ifPresent(m -> m.removeListener(subscribed.subscription()));
      }
    }
    subscriptions.clear();
  }
}
