package io.marketprism.collector.exchange.binance;

import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.marketdata.v1.DataType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Binance market streams of one market: SUBSCRIBE/UNSUBSCRIBE messages on a {@code /stream} endpoint
 * (frames then come in the combined form), at most {@value #MAX_STREAMS} streams per connection, a 24 h
 * connection lifetime, depth snapshots from REST ({@code /api/v3/depth} spot, {@code /fapi/v1/depth}
 * futures). Binance pings and the JDK client pongs by itself, so there is no client keep-alive.
 */
public final class BinanceProtocol implements ExchangeProtocol {
  /** Binance allows 1024 streams per connection. */
  static final int MAX_STREAMS = 1024;
  /** Streams per SUBSCRIBE message, so a message stays small (Binance takes 5 messages/s). */
  static final int STREAMS_PER_MESSAGE = 200;
  private static final int SNAPSHOT_LIMIT = 1000;

  private final BinanceMarket market;
  private final AtomicLong ids = new AtomicLong();

  /** @param market {@link BinanceMarket#SPOT} or {@link BinanceMarket#FUTURES} */
  public BinanceProtocol(BinanceMarket market) {
    if (market == BinanceMarket.AUTO) {
      throw new IllegalArgumentException("a connection serves one market: SPOT or FUTURES");
    }
    this.market = market;
  }

  @Override
  public String exchange() {
    return BinanceFeed.EXCHANGE;
  }

  @Override
  public ExchangeFeed newFeed(FeedListener listener) {
    return new BinanceFeed(listener, market);
  }

  @Override
  public List<String> channels(DataType type, String nativeSymbol) {
    String stream = nativeSymbol.toLowerCase(Locale.ROOT);
    boolean futures = market == BinanceMarket.FUTURES;
    switch (type) {
      case DATA_TYPE_TRADE:
        return List.of(stream + (futures ? "@aggTrade" : "@trade"));
      case DATA_TYPE_BOOK_SNAPSHOT:
      case DATA_TYPE_BOOK_DELTA:
        return List.of(stream + "@depth@100ms");
      case DATA_TYPE_TICKER:
        return List.of(stream + "@bookTicker");
      case DATA_TYPE_FUNDING_RATE:
        return futures ? List.of(stream + "@markPrice") : List.of();
      case DATA_TYPE_LIQUIDATION:
        return futures ? List.of(stream + "@forceOrder") : List.of();
      default:
        return List.of(); // open interest is REST-only on Binance
    }
  }

  @Override
  public int maxChannelsPerConnection() {
    return MAX_STREAMS;
  }

  @Override
  public List<String> openMessages() {
    return List.of();
  }

  @Override
  public List<String> subscribeMessages(List<String> channels) {
    return messages("SUBSCRIBE", channels);
  }

  @Override
  public List<String> unsubscribeMessages(List<String> channels) {
    return messages("UNSUBSCRIBE", channels);
  }

  private List<String> messages(String method, List<String> channels) {
    List<String> messages = new ArrayList<>();
    for (int from = 0; from < channels.size(); from += STREAMS_PER_MESSAGE) {
      List<String> batch = channels.subList(from, Math.min(channels.size(), from + STREAMS_PER_MESSAGE));
      StringBuilder message = new StringBuilder("{\"method\":\"").append(method).append("\",\"params\":[");
      for (int i = 0; i < batch.size(); i++) {
        message.append(i == 0 ? "\"" : ",\"").append(batch.get(i)).append('"');
      }
      messages.add(message.append("],\"id\":").append(ids.incrementAndGet()).append('}').toString());
    }
    return messages;
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
    return Optional.empty();
  }

  @Override
  public Optional<Duration> connectionLifetime() {
    return Optional.of(Duration.ofHours(24));
  }

  @Override
  public Optional<URI> restSnapshotUri(URI restBase, String nativeSymbol) {
    String path = market == BinanceMarket.FUTURES ? "/fapi/v1/depth" : "/api/v3/depth";
    String base = restBase.toString().replaceAll("/+$", "");
    return Optional.of(URI.create(base + path + "?symbol=" + nativeSymbol + "&limit=" + SNAPSHOT_LIMIT));
  }
}
