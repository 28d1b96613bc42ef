package io.marketprism.collector.exchange;

import io.marketprism.marketdata.v1.DataType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to talk to one exchange over a WebSocket: its channel names for each normalized data type, its
 * subscribe and keep-alive messages and its limits. The connection layer ({@code collector.connection})
 * is exchange-agnostic and asks this. Implementations are immutable and thread-safe, except for the
 * request ids some protocols number their messages with (atomic).
 */
public interface ExchangeProtocol {
  /** Lower-case exchange name. */
  String exchange();

  /** A new feed for one connection's frames. */
  ExchangeFeed newFeed(FeedListener listener);

  /**
   * The exchange channels that carry {@code type} for {@code nativeSymbol}, as this protocol's subscribe
   * messages take them; empty when the exchange publishes no such stream (the caller reports it).
   */
  List<String> channels(DataType type, String nativeSymbol);

  /** The channels of {@code nativeSymbol}'s order book (resubscribed to re-sync it). */
  default List<String> bookChannels(String nativeSymbol) {
    return channels(DataType.DATA_TYPE_BOOK_DELTA, nativeSymbol);
  }

  /** Most channels one connection may carry. */
  int maxChannelsPerConnection();

  /** Messages to send right after the connection opens, before subscribing (e.g. Deribit's heartbeat). */
  List<String> openMessages();

  /** Subscribe messages for {@code channels}, batched within the exchange's per-message limits. */
  List<String> subscribeMessages(List<String> channels);

  /** Unsubscribe messages for {@code channels}. */
  List<String> unsubscribeMessages(List<String> channels);

  /**
   * The most subscribe and unsubscribe messages one connection may send per window, if the exchange limits them
   * (OKX: 480 an hour); requests beyond it wait (see {@code connection.ChannelRequests}).
   */
  default Optional<RequestLimit> subscriptionRequestLimit() {
    return Optional.empty();
  }

  /** A text the client must send every {@link #keepAliveInterval()} (OKX "ping"), if any. */
  Optional<String> keepAliveMessage();

  /** How often to send {@link #keepAliveMessage()}. */
  Duration keepAliveInterval();

  /** The answer to a {@link FrameOutcome#TEST_REQUEST} frame (Deribit {@code public/test}). */
  Optional<String> testRequestAnswer();

  /** The exchange closes connections older than this (Binance: 24 h); the client reconnects before. */
  Optional<Duration> connectionLifetime();

  /**
   * Where to fetch {@code nativeSymbol}'s book snapshot over REST, for exchanges whose snapshots do not
   * come in-stream (Binance); empty for the others, whose books are re-synced by resubscribing.
   */
  Optional<URI> restSnapshotUri(URI restBase, String nativeSymbol);
}
