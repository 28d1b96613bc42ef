package io.marketprism.collector.exchange.deribit;

import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.marketdata.v1.DataType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deribit JSON-RPC 2.0 over WebSocket: {@code public/set_heartbeat} when the connection opens (Deribit
 * then sends {@code test_request}s, answered with {@code public/test}), {@code public/subscribe} with
 * channel names such as {@code trades.BTC-PERPETUAL.100ms} (the unauthenticated intervals; "raw" needs a
 * login). Books re-sync by resubscribing, which brings a new snapshot.
 */
public final class DeribitProtocol implements ExchangeProtocol {
  static final int CHANNELS_PER_MESSAGE = 100;
  private static final int MAX_CHANNELS = 1000;
  private static final int HEARTBEAT_SECONDS = 30;
  private static final String INTERVAL = ".100ms";

  private final AtomicLong ids = new AtomicLong();

  @Override
  public String exchange() {
    return DeribitFeed.EXCHANGE;
  }

  @Override
  public ExchangeFeed newFeed(FeedListener listener) {
    return new DeribitFeed(listener);
  }

  @Override
  public List<String> channels(DataType type, String nativeSymbol) {
    switch (type) {
      case DATA_TYPE_TRADE:
      case DATA_TYPE_LIQUIDATION:
        return List.of("trades." + nativeSymbol + INTERVAL);
      case DATA_TYPE_BOOK_SNAPSHOT:
      case DATA_TYPE_BOOK_DELTA:
        return List.of("book." + nativeSymbol + INTERVAL);
      case DATA_TYPE_TICKER:
        return List.of("quote." + nativeSymbol);
      case DATA_TYPE_FUNDING_RATE:
      case DATA_TYPE_OPEN_INTEREST:
        return List.of("ticker." + nativeSymbol + INTERVAL);
      default:
        return List.of();
    }
  }

  @Override
  public int maxChannelsPerConnection() {
    return MAX_CHANNELS;
  }

  @Override
  public List<String> openMessages() {
    return List.of(request("public/set_heartbeat", "{\"interval\":" + HEARTBEAT_SECONDS + "}"));
  }

  @Override
  public List<String> subscribeMessages(List<String> channels) {
    return messages("public/subscribe", channels);
  }

  @Override
  public List<String> unsubscribeMessages(List<String> channels) {
    return messages("public/unsubscribe", channels);
  }

  private List<String> messages(String method, List<String> channels) {
    List<String> messages = new ArrayList<>();
    for (int from = 0; from < channels.size(); from += CHANNELS_PER_MESSAGE) {
      List<String> batch = channels.subList(from, Math.min(channels.size(), from + CHANNELS_PER_MESSAGE));
      messages.add(request(method, "{\"channels\":[\"" + String.join("\",\"", batch) + "\"]}"));
    }
    return messages;
  }

  private String request(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"" + method
        + "\",\"params\":" + params + "}";
  }

  @Override
  public Optional<String> keepAliveMessage() {
    return Optional.empty();
  }

  @Override
  public Duration keepAliveInterval() {
    return Duration.ZERO;
  }

  @Override
  public Optional<String> testRequestAnswer() {
    return Optional.of(request("public/test", "{}"));
  }

  @Override
  public Optional<Duration> connectionLifetime() {
    return Optional.empty();
  }

  @Override
  public Optional<URI> restSnapshotUri(URI restBase, String nativeSymbol) {
    return Optional.empty();
  }
}
