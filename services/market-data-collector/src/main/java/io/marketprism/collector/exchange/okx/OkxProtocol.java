package io.marketprism.collector.exchange.okx;

import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.RequestLimit;
import io.marketprism.marketdata.v1.DataType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OKX v5 public WebSocket: {@code {"op":"subscribe","args":[{"channel":..,"instId":..}]}}, channels given as
 * their JSON {@code arg} objects; the client sends "ping" when idle (OKX closes a connection silent for 30 s);
 * books re-sync by resubscribing, which makes OKX send a new snapshot.
 */
public final class OkxProtocol implements ExchangeProtocol {
  /** Args per subscribe message, keeping each well under OKX's 64 KB request limit. */
  static final int ARGS_PER_MESSAGE = 100;
  private static final int MAX_CHANNELS = 1000;
  private static final Duration PING_EVERY = Duration.ofSeconds(20);
  /**
   * OKX: "the total number of 'subscribe'/'unsubscribe'/'login' requests per connection is limited to 480 times per
   * hour"; requests beyond it are refused.
   */
  static final RequestLimit REQUEST_LIMIT = new RequestLimit(480, Duration.ofHours(1));

  @Override
  public String exchange() {
    return OkxFeed.EXCHANGE;
  }

  @Override
  public ExchangeFeed newFeed(FeedListener listener) {
    return new OkxFeed(listener);
  }

  @Override
  public List<String> channels(DataType type, String nativeSymbol) {
    switch (type) {
      case DATA_TYPE_TRADE:
        return List.of(arg("trades", nativeSymbol));
      case DATA_TYPE_BOOK_SNAPSHOT:
      case DATA_TYPE_BOOK_DELTA:
        return List.of(arg("books", nativeSymbol));
      case DATA_TYPE_TICKER:
        return List.of(arg("bbo-tbt", nativeSymbol));
      case DATA_TYPE_FUNDING_RATE:
        return nativeSymbol.endsWith("-SWAP") ? List.of(arg("funding-rate", nativeSymbol)) : List.of();
      case DATA_TYPE_LIQUIDATION:
        // Published per instrument type, not per instrument: the feed maps each order's instId.
        return List.of("{\"channel\":\"liquidation-orders\",\"instType\":\"" + instType(nativeSymbol) + "\"}");
      case DATA_TYPE_OPEN_INTEREST:
        return List.of(arg("open-interest", nativeSymbol));
      default:
        return List.of();
    }
  }

  private static String instType(String instId) {
    if (instId.endsWith("-SWAP")) {
      return "SWAP";
    }
    int parts = instId.split("-").length;
    return parts == 5 ? "OPTION" : parts == 3 ? "FUTURES" : "MARGIN";
  }

  private static String arg(String channel, String instId) {
    return "{\"channel\":\"" + channel + "\",\"instId\":\"" + instId + "\"}";
  }

  @Override
  public int maxChannelsPerConnection() {
    return MAX_CHANNELS;
  }

  @Override
  public List<String> openMessages() {
    return List.of();
  }

  @Override
  public List<String> subscribeMessages(List<String> channels) {
    return messages("subscribe", channels);
  }

  @Override
  public List<String> unsubscribeMessages(List<String> channels) {
    return messages("unsubscribe", channels);
  }

  private static List<String> messages(String op, List<String> channels) {
    List<String> messages = new ArrayList<>();
    for (int from = 0; from < channels.size(); from += ARGS_PER_MESSAGE) {
      List<String> batch = channels.subList(from, Math.min(channels.size(), from + ARGS_PER_MESSAGE));
      messages.add("{\"op\":\"" + op + "\",\"args\":[" + String.join(",", batch) + "]}");
    }
    return messages;
  }

  @Override
  public Optional<RequestLimit> subscriptionRequestLimit() {
    return Optional.of(REQUEST_LIMIT);
  }

  @Override
  public Optional<String> keepAliveMessage() {
    return Optional.of("ping");
  }

  @Override
  public Duration keepAliveInterval() {
    return PING_EVERY;
  }

  @Override
  public Optional<String> testRequestAnswer() {
    return Optional.empty();
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
