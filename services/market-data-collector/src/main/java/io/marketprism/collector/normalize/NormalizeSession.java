package io.marketprism.collector.normalize;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.Exchange;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.marketdata.v1.MarketEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code marketprism normalize --exchange NAME}: reads raw frames, one per line exactly as the exchange
 * sends them, through the same feed the collector runs (books kept across lines), and writes one JSON line
 * per normalized event: the proto3 JSON of {@link MarketEvent} with proto field names
 * ({@code {"trade":{...}}}, {@code {"book_snapshot":{...}}}, ...).
 *
 * <p>To stderr, as {@code line N: <reason>}: frames it cannot use, sequence gaps, checksum mismatches, stale
 * snapshots and updates skipped for want of a snapshot (OKX, Deribit). Only real problems: Binance depth
 * updates that wait for a REST snapshot line are buffered, not lost, so they are reported only if no snapshot
 * line seeded their book by the end of the input. Control frames (subscription acks, pongs, heartbeats) and
 * blank lines are skipped silently.
 *
 * <p>Book snapshots: OKX and Deribit send theirs in-stream, so their lines are enough. Binance's comes
 * from REST: put the answer of {@code GET /api/v3/depth} (or {@code /fapi/v1/depth}) on a line of its
 * own, {@code {"lastUpdateId":..,"bids":[..],"asks":[..]}}, anywhere among the depth updates (before
 * them, or after the first ones, as the collector does: updates are buffered until it arrives). It seeds
 * the one book waiting for a snapshot; with several books in one input, add {@code "symbol":"BTCUSDT"} to
 * the snapshot line. Binance books still waiting at the end of the input are reported.
 *
 * <p>{@code receive_time_ns} is the time each line was read.
 */
public final class NormalizeSession {
  /** Exit code once the input has been read, whatever its frames were. */
  public static final int OK = 0;
  /** Exit code when the input cannot be read. */
  public static final int INPUT_ERROR = 1;
  /** Exit code for an exchange name that is not supported. */
  public static final int UNKNOWN_EXCHANGE = 2;

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private long lineNumber;
  /** Binance buffers updates until a snapshot: its routine request for one is not a problem to report. */
  private boolean snapshotRequestsAreRoutine;

  private NormalizeSession(PrintStream out, PrintStream err, Clock clock) {
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  /**
   * Runs a session over {@code in} until its end.
   *
   * @param exchange "binance", "okx" or "deribit"
   * @return {@link #OK} once the input is read, {@link #UNKNOWN_EXCHANGE} for an unsupported exchange,
   *     {@link #INPUT_ERROR} when reading fails
   */
  public static int run(String exchange, BufferedReader in, PrintStream out, PrintStream err) {
    return run(exchange, in, out, err, Clock.systemUTC());
  }

  /** As {@link #run(String, BufferedReader, PrintStream, PrintStream)}, reading receive times from {@code clock}. */
  public static int run(String exchange, BufferedReader in, PrintStream out, PrintStream err, Clock clock) {
    ExchangeRegistry registry = ExchangeRegistry.standard();
    Optional<Exchange> found = exchange == null ? Optional.empty() : registry.find(exchange);
    if (found.isEmpty()) {
      err.println("unknown exchange \"" + exchange + "\": expected one of " + String.join(", ", registry.names()));
      return UNKNOWN_EXCHANGE;
    }
    return new NormalizeSession(out, err, clock).normalize(found.get(), in);
  }

  private int normalize(Exchange exchange, BufferedReader in) {
    ExchangeFeed feed = exchange.newFeed(new Printer());
    snapshotRequestsAreRoutine = feed instanceof BinanceFeed;
    try {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        feed.handle(line, nanos(clock.instant()));
      }
    } catch (IOException e) {
      err.println("cannot read input after line " + lineNumber + ": " + e.getMessage());
      return INPUT_ERROR;
    } finally {
      out.flush();
    }
    if (feed instanceof BinanceFeed) {
      for (String symbol : ((BinanceFeed) feed).booksAwaitingSnapshot()) {
        err.println("line " + lineNumber + ": end of input: depth updates of " + symbol
            + " never applied: no REST depth snapshot line ({\"lastUpdateId\":...}) seeded the book");
      }
    }
    err.flush();
    return OK;
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** Prints what the feed reports, tagged with the current line. */
  private final class Printer implements FeedListener {
    @Override
    public void onEvent(MarketEvent event) {
      try {
        out.println(PRINTER.print(event));
      } catch (InvalidProtocolBufferException e) {
        // Only Any fields with unknown types fail to print; MarketEvent has none.
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onReject(FrameReject reject) {
      err.println("line " + lineNumber + ": " + reject.detail());
    }

    @Override
    public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {
      if (reason == ResyncReason.NO_SNAPSHOT && snapshotRequestsAreRoutine) {
        return; // books still unseeded when the input ends are reported then
      }
      err.println("line " + lineNumber + ": " + describe(reason) + detail);
    }
  }

  private static String describe(ResyncReason reason) {
    switch (reason) {
      case SEQUENCE_GAP:
        return "sequence gap: ";
      case CHECKSUM_MISMATCH:
        return "checksum mismatch: ";
      case STALE_SNAPSHOT:
        return "stale snapshot: ";
      default:
        return "";
    }
  }
}
