package io.marketprism.collector.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link NormalizeBenchmark} (JMH options from the command line, e.g. {@code -f 1 -wi 3 -i 5 -prof gc}) and
 * prints what to read from it: each venue's normalization rate as a ratio of {@code readTree} of the same frames,
 * and Binance trades against the bare streaming-parse floor, all from the same run, with bytes allocated per frame
 * where {@code -prof gc} was given. On a shared machine absolute rates swing; ratios of one run swing less.
 */
public final class NormalizeRatios {
  /** Binance trade frames per second per core the collector aims at. */
  private static final double BINANCE_TRADE_GOAL = 1_250_000;

  private NormalizeRatios() {}

  public static void main(String[] args) throws Exception {
    measure(args);
  }

  /** Runs the benchmarks with these JMH options, prints the ratios and records the headline rows. */
  static void measure(String... args) throws Exception {
    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(NormalizeBenchmark.class.getName() + "\\.")
        .addProfiler(CpuTimeProfiler.class)
        .build();
    Map<String, RunResult> byName = new LinkedHashMap<>();
    Collection<RunResult> results = new Runner(options).run();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      String ratio = result.getParams().getParam("samplingRatio");
      byName.put(label.substring(label.lastIndexOf('.') + 1) + (ratio == null ? "" : "@" + ratio), result);
    }
    System.out.println();
    System.out.println("mean: the average of the measured iterations; best: each benchmark's fastest iteration (the"
        + " one least disturbed by other work on a shared machine); cpu: frames per CPU-second of the JVM (GC"
        + " included), which does not count waiting for a core");
    System.out.printf("%-21s %10s %10s %6s %10s %10s %6s %10s %10s %6s %7s %7s%n", "normalize", "mean/s", "tree",
        "ratio", "best/s", "tree", "ratio", "cpu/s", "tree", "ratio", "B/frame", "B/tree");
    for (String name : new String[] {"binanceTrade", "binanceCombinedTrade", "binanceDepthUpdate", "okxTrade",
        "deribitTrade"}) {
      RunResult normalize = byName.get(name);
      RunResult tree = byName.get(name + "Tree");
      if (normalize == null || tree == null) {
        continue;
      }
      System.out.printf("%-21s %10.0f %10.0f %5.2fx %10.0f %10.0f %5.2fx %10.0f %10.0f %5.2fx %7s %7s%n", name,
          mean(normalize), mean(tree), mean(normalize) / mean(tree), best(normalize), best(tree),
          best(normalize) / best(tree), perCpuSecond(normalize), perCpuSecond(tree),
          perCpuSecond(normalize) / perCpuSecond(tree), allocation(normalize), allocation(tree));
    }
    RunResult trade = byName.get("binanceTrade");
    RunResult stream = byName.get("binanceTradeStream");
    if (trade != null && stream != null) {
      System.out.printf("binanceTrade vs the streaming-parse floor: mean %.2fx, best %.2fx (goal >= 0.50x);"
          + " floor %.2f M frames/s mean, %.2f M best; B/frame %s%n", mean(trade) / mean(stream),
          best(trade) / best(stream), mean(stream) / 1e6, best(stream) / 1e6, allocation(stream));
      System.out.printf("binanceTrade: %.2f M frames/s mean, %.2f M best, %.2f M per CPU-second (goal >= %.2f M"
          + " per core); streaming-parse floor %.2f M per CPU-second: %.2fx of it (goal >= 0.50x)%n",
          mean(trade) / 1e6, best(trade) / 1e6, perCpuSecond(trade) / 1e6, BINANCE_TRADE_GOAL / 1e6,
          perCpuSecond(stream) / 1e6, perCpuSecond(trade) / perCpuSecond(stream));
    }
    printTracingCost(byName);
    record(byName);
  }

  /** The rows the issues set goals for, as {@code ./marketprism bench} reports them (means; B/frame is printed). */
  private static void record(Map<String, RunResult> byName) {
    BenchmarkResults results = BenchmarkResults.start(NormalizeBenchmark.class);
    String[][] venues = {{"binanceTrade", "Binance trades"}, {"binanceCombinedTrade", "Binance combined-stream trades"},
        {"binanceDepthUpdate", "Binance depth updates (book sync included)"}, {"okxTrade", "OKX trades"},
        {"deribitTrade", "Deribit trades"}};
    for (String[] venue : venues) {
      RunResult normalize = byName.get(venue[0]);
      RunResult tree = byName.get(venue[0] + "Tree");
      if (normalize != null && tree != null) {
        results.compared("normalize." + venue[0], "collector normalization, " + venue[1] + ", one thread (JMH mean)",
            mean(normalize), "frames/s", mean(tree), "Jackson readTree of the same frames/s", 1.0);
      }
    }
    RunResult trade = byName.get("binanceTrade");
    RunResult stream = byName.get("binanceTradeStream");
    if (trade != null && stream != null) {
      results.compared("normalize.binanceTrade.floor", "Binance trades against the bare streaming-parse floor",
          mean(trade), "frames/s", mean(stream), "streaming parse frames/s", 0.5);
      results.figure("normalize.binanceTrade.cpu", "Binance trades per CPU-second of the JVM", perCpuSecond(trade),
          "frames/CPU-s", "≥ 1.25 M per core", perCpuSecond(trade) >= BINANCE_TRADE_GOAL);
    }
    RunResult off = byName.get("binanceTradeTraced@0");
    RunResult sampled = byName.get("binanceTradeTraced@0.001");
    if (off != null && sampled != null) {
      results.compared("tracing.sampled", "frame tracing at the default sampling ratio 0.001 vs ratio 0",
          mean(sampled), "frames/s", mean(off), "ratio 0 frames/s");
    }
  }

  /** Frame tracing at the default sampling ratio against tracing off (ratio 0), and off against no tracing code. */
  private static void printTracingCost(Map<String, RunResult> byName) {
    RunResult off = byName.get("binanceTradeTraced@0");
    RunResult sampled = byName.get("binanceTradeTraced@0.001");
    RunResult bare = byName.get("binanceTrade");
    if (off == null || sampled == null) {
      return;
    }
    System.out.printf("frame tracing at ratio 0.001 vs ratio 0: mean %.3fx, best %.3fx, cpu %.3fx"
        + " (%.2f M vs %.2f M frames/s mean); B/frame %s vs %s%n", mean(sampled) / mean(off), best(sampled) / best(off),
        perCpuSecond(sampled) / perCpuSecond(off), mean(sampled) / 1e6, mean(off) / 1e6, allocation(sampled),
        allocation(off));
    if (bare != null) {
      System.out.printf("frame tracing at ratio 0 vs binanceTrade without it: mean %.3fx, best %.3fx, cpu %.3fx%n",
          mean(off) / mean(bare), best(off) / best(bare), perCpuSecond(off) / perCpuSecond(bare));
    }
  }

  private static double perCpuSecond(RunResult result) {
    Result cpu = result.getSecondaryResults().get("cpu.ns/op");
    return cpu == null ? Double.NaN : 1e9 / cpu.getScore();
  }

  private static double mean(RunResult result) {
    return result.getPrimaryResult().getScore();
  }

  private static double best(RunResult result) {
    return result.getPrimaryResult().getStatistics().getMax();
  }

  private static String allocation(RunResult result) {
    for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
      if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
        return String.format("%.0f", secondary.getValue().getScore());
      }
    }
    return "-";
  }
}
