package io.marketprism.collector.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.connection.FrameTracing;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.binance.BinanceFeed;
import io.marketprism.collector.exchange.deribit.DeribitFeed;
import io.marketprism.collector.exchange.okx.OkxFeed;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.observability.RootSampler;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Normalization throughput per exchange in frames/s on one thread, next to the floor any parser pays:
 * {@code ObjectMapper.readTree} of the same frames ({@code *Tree} benchmarks). Compare each pair by its
 * ratio in the same run; {@code binanceTradeStream} is the lower floor of a bare streaming parse.
 * {@link NormalizeRatios} runs them and prints the ratios. See BENCHMARKS.md for the command.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NormalizeBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /**
   * The entry point of {@code ./marketprism bench} (surefire skips {@code *Benchmark}): one fork with the GC
   * profiler; quick mode measures 2 × 0.5 s after 1 × 1 s of warm-up per benchmark, the full run 5 × 2 s after 5 × 2 s.
   */
  @Test
  void run() throws Exception {
    System.setProperty("jmh.ignoreLock", "true"); // other JMH runs on the shared machine must not block this one
    NormalizeRatios.measure(BenchmarkResults.quick()
        ? new String[] {"-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "500ms", "-prof", "gc"}
        : new String[] {"-f", "1", "-wi", "5", "-w", "2s", "-i", "5", "-r", "2s", "-prof", "gc"});
  }

  /** Sends events into the blackhole; a reject or resync would mean the benchmark measures the wrong path. */
  static final class SinkListener implements FeedListener {
    Blackhole blackhole;

    @Override
    public void onEvent(MarketEvent event) {
      blackhole.consume(event);
    }

    @Override
    public void onReject(FrameReject reject) {
      throw new IllegalStateException("benchmark frame rejected: " + reject);
    }

    @Override
    public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {
      if (reason != ResyncReason.NO_SNAPSHOT) {
        throw new IllegalStateException("benchmark book out of sync: " + detail);
      }
    }
  }

  /** A cycle of frames and a feed to push them through. */
  @State(Scope.Thread)
  public abstract static class Frames {
    final SinkListener listener = new SinkListener();
    String[] frames;
    ExchangeFeed feed;
    int next;

    abstract List<String> frames();

    abstract ExchangeFeed feed(FeedListener listener);

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
      listener.blackhole = blackhole;
      frames = frames().toArray(new String[0]);
      feed = feed(listener);
    }

    String nextFrame() {
      String frame = frames[next];
      next = (next + 1) % frames.length;
      return frame;
    }
  }

  public static class BinanceTrades extends Frames {
    @Override
    List<String> frames() {
      return BenchFrames.binanceTrades();
    }

    @Override
    ExchangeFeed feed(FeedListener listener) {
      return new BinanceFeed(listener);
    }
  }

  /**
   * Binance trades through the collector's frame tracing, at a sampling ratio of 0 (tracing off) and at the default
   * (0.001). Sampled spans go through a batch processor to an exporter that drops them, as a service's spans go to an
   * OTLP exporter: the cost measured is the collector's, not the network's.
   */
  public static class TracedBinanceTrades extends BinanceTrades {
    @Param({"0", "0.001"})
    public double samplingRatio;

    OpenTelemetrySdk sdk;
    FrameTracing tracing;

    @Setup(Level.Trial)
    public void startTracing() {
      sdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(BatchSpanProcessor.builder(SpanExporter.composite()).build())
              .build())
          .build();
      tracing = new FrameTracing(sdk, RootSampler.ratio(samplingRatio));
    }

    @TearDown(Level.Trial)
    public void stopTracing() {
      sdk.close();
    }
  }

  public static class BinanceCombinedTrades extends BinanceTrades {
    @Override
    List<String> frames() {
      return BenchFrames.binanceCombinedTrades();
    }
  }

  public static class BinanceDepth extends Frames {
    @Override
    List<String> frames() {
      return BenchFrames.binanceDepthUpdates();
    }

    @Override
    ExchangeFeed feed(FeedListener listener) {
      return new BinanceFeed(listener);
    }

    @Override
    String nextFrame() {
      if (next == 0) {
        // Start of a cycle: ids restart, so re-seed the book (once per 4096 updates).
        BinanceFeed binance = (BinanceFeed) feed;
        binance.resetBooks();
        binance.onDepthSnapshot("BTCUSDT", BenchFrames.binanceDepthSnapshot(), 0);
      }
      return super.nextFrame();
    }
  }

  public static class OkxTrades extends Frames {
    @Override
    List<String> frames() {
      return BenchFrames.okxTrades();
    }

    @Override
    ExchangeFeed feed(FeedListener listener) {
      return new OkxFeed(listener);
    }
  }

  public static class DeribitTrades extends Frames {
    @Override
    List<String> frames() {
      return BenchFrames.deribitTrades();
    }

    @Override
    ExchangeFeed feed(FeedListener listener) {
      return new DeribitFeed(listener);
    }
  }

  @Benchmark
  public Object binanceTrade(BinanceTrades state) {
    return state.feed.handle(state.nextFrame(), 1L);
  }

  @Benchmark
  public Object binanceTradeTraced(TracedBinanceTrades state) {
    return state.tracing.handle(state.feed, state.nextFrame(), 1L);
  }

  @Benchmark
  public Object binanceTradeTree(BinanceTrades state) throws IOException {
    return MAPPER.readTree(state.nextFrame());
  }

  /**
   * The floor under any JSON parser: Jackson's streaming parser walking every token of the same frames, building
   * nothing (no tree, no strings, no event).
   */
  @Benchmark
  public int binanceTradeStream(BinanceTrades state) throws IOException {
    int tokens = 0;
    try (JsonParser parser = JSON.createParser(state.nextFrame())) {
      while (parser.nextToken() != null) {
        tokens++;
      }
    }
    return tokens;
  }

  @Benchmark
  public Object binanceCombinedTrade(BinanceCombinedTrades state) {
    return state.feed.handle(state.nextFrame(), 1L);
  }

  @Benchmark
  public Object binanceCombinedTradeTree(BinanceCombinedTrades state) throws IOException {
    return MAPPER.readTree(state.nextFrame());
  }

  @Benchmark
  public Object binanceDepthUpdate(BinanceDepth state) {
    return state.feed.handle(state.nextFrame(), 1L);
  }

  @Benchmark
  public Object binanceDepthUpdateTree(BinanceDepth state) throws IOException {
    return MAPPER.readTree(state.nextFrame());
  }

  @Benchmark
  public Object okxTrade(OkxTrades state) {
    return state.feed.handle(state.nextFrame(), 1L);
  }

  @Benchmark
  public Object okxTradeTree(OkxTrades state) throws IOException {
    return MAPPER.readTree(state.nextFrame());
  }

  @Benchmark
  public Object deribitTrade(DeribitTrades state) {
    return state.feed.handle(state.nextFrame(), 1L);
  }

  @Benchmark
  public Object deribitTradeTree(DeribitTrades state) throws IOException {
    return MAPPER.readTree(state.nextFrame());
  }
}
