package io.marketprism.collector.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.marketdata.v1.MarketEvent;
import java.io.IOException;
import java.util.Objects;

/**
 * The base of every exchange adapter: turns the exchange's raw WebSocket (and REST snapshot) frames into
 * normalized {@link MarketEvent}s, keeping the exchange's order books in sync. One subclass per exchange
 * ({@code exchange/binance}, {@code exchange/okx}, {@code exchange/deribit}) owns its frame shapes, its
 * channel names, its symbol mapping and its book sync; this class owns what they share: the rule that no
 * frame ever throws out of {@link #handle}, counting, and the way results reach the {@link FeedListener}.
 *
 * <p>Not thread-safe: a feed (and the books inside it) is confined to one thread at a time. The connection
 * layer calls {@link #handle} from its reader and hands REST snapshots to the same thread (or serializes
 * the calls); {@link #counters()} may be read from any thread.
 */
public abstract class ExchangeFeed {
  /** Thread-safe and reusable; parsers it creates recycle their buffers per thread. */
  protected static final JsonFactory JSON = JsonFactory.builder().build();

  /** Symbols, event types, channels and sides as read before: see {@link JsonReading#repeatedText}. */
  protected final RecentStrings recentStrings = new RecentStrings();

  private final String exchange;
  private final FeedListener listener;
  private final FeedCounters counters = new FeedCounters();

  protected ExchangeFeed(String exchange, FeedListener listener) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Lower-case exchange name, e.g. "binance". */
  public final String exchange() {
    return exchange;
  }

  public final FeedCounters counters() {
    return counters;
  }

  /**
   * Normalizes one frame exactly as the exchange sent it. Never throws for bad input: an unusable frame is
   * counted and reported to {@link RejectListener#onReject} and the next frame is handled normally. A
   * frame carrying several items (OKX and Deribit batch trades) emits the items before a bad one.
   *
   * @param frame the frame's text
   * @param receiveTimeNs when the collector read it, ns since the epoch (becomes {@code receive_time_ns})
   */
  public final FrameOutcome handle(CharSequence frame, long receiveTimeNs) {
    counters.frame();
    try {
      FrameOutcome outcome = parse(frame, receiveTimeNs);
      if (outcome == FrameOutcome.CONTROL || outcome == FrameOutcome.TEST_REQUEST) {
        counters.control();
      }
      return outcome;
    } catch (FrameRejectedException e) {
      return reject(e.reason(), e.getMessage(), frame);
    } catch (JsonProcessingException e) {
      return reject(RejectReason.MALFORMED_JSON, "malformed JSON: " + e.getOriginalMessage(), frame);
    } catch (IOException | RuntimeException e) {
      // A parser bug must not take the connection down with it; it surfaces as a counted reject.
      return reject(RejectReason.UNEXPECTED_FRAME, "cannot parse: " + e, frame);
    }
  }

  /**
   * Seeds {@code nativeSymbol}'s book from a REST snapshot answer, for exchanges whose snapshots do not
   * come in-stream. Never throws; this base rejects it, exchanges with REST snapshots override it.
   */
  public FrameOutcome onRestSnapshot(String nativeSymbol, CharSequence body, long receiveTimeNs) {
    return reject(RejectReason.UNEXPECTED_FRAME, exchange + " takes no REST book snapshots", body);
  }

  /**
   * Forgets every book's sync state, e.g. after the connection dropped: books wait for a fresh snapshot and
   * emit nothing until then.
   */
  public abstract void resetBooks();

  /** Parses one frame; throws {@link FrameRejectedException} (or a Jackson exception) to reject it. */
  protected abstract FrameOutcome parse(CharSequence frame, long receiveTimeNs)
      throws IOException, FrameRejectedException;

  /** A streaming parser over {@code frame}. */
  protected static JsonParser parser(CharSequence frame) throws IOException {
    return JSON.createParser(frame.toString());
  }

  /** Sends one normalized event on. */
  protected final void emit(MarketEvent event) {
    counters.event();
    listener.onEvent(event);
  }

  /** Counts and reports a book that needs a fresh snapshot. */
  protected final void requestResync(String nativeSymbol, ResyncReason reason, String detail) {
    counters.resync(reason);
    listener.resyncNeeded(exchange, nativeSymbol, reason, detail);
  }

  /** Counts and reports a rejected frame (also usable for a book update that cannot be applied). */
  protected final FrameOutcome reject(RejectReason reason, String detail, CharSequence frame) {
    counters.reject(reason);
    listener.onReject(new FrameReject(exchange, reason, detail, FrameReject.sampleOf(frame)));
    return FrameOutcome.REJECTED;
  }
}
