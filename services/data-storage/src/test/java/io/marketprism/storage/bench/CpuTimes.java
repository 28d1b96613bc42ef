package io.marketprism.storage.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used so far by the processes a benchmark phase shares the cores with: this JVM, {@code nats-server} and
 * {@code clickhouse-server}. The difference of two snapshots says where a phase's CPU went, which on a 2-core machine
 * matters more than any one rate.
 */
record CpuTimes(Map<String, Duration> byProcess, Map<String, Long> jvmThreadNanos, long gcMillis, long wallNanos) {

  static CpuTimes now() {
    Map<String, Duration> times = new TreeMap<>();
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle.allProcesses().forEach(process -> {
      String name = process.pid() == self.pid() ? "jvm" : nameOf(process);
      if (name != null) {
        process.info().totalCpuDuration().ifPresent(cpu -> times.merge(name, cpu, Duration::plus));
      }
    });
    long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    Map<String, Long> threads = new TreeMap<>();
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    for (long id : bean.getAllThreadIds()) {
      ThreadInfo info = bean.getThreadInfo(id);
      long nanos = bean.getThreadCpuTime(id);
      if (info != null && nanos > 0) {
        // pool threads by name: "nats-publisher-3" and "nats-publisher-4" are one job
        threads.merge(info.getThreadName().replaceAll("[-:]?\\d+$", ""), nanos, Long::sum);
      }
    }
    return new CpuTimes(times, threads, gcMillis, System.nanoTime());
  }

  private static String nameOf(ProcessHandle process) {
    String command = process.info().command().orElse("");
    if (command.endsWith("nats-server")) {
      return "nats-server";
    }
    if (command.contains("clickhouse")) {
      return "clickhouse";
    }
    return null;
  }

  /**
   * The JVM threads that used at least {@code minimum} of CPU since {@code earlier}, busiest first. Threads that ended
   * in between are not counted.
   */
  String threadsSince(CpuTimes earlier, Duration minimum) {
    StringBuilder text = new StringBuilder();
    jvmThreadNanos.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - earlier.jvmThreadNanos.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() >= minimum.toNanos())
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> text.append(String.format("%s %.1f s, ", e.getKey(), e.getValue() / 1e9)));
    return text.length() == 0 ? "none" : text.substring(0, text.length() - 2);
  }

  /** "jvm 3.1 s, nats-server 2.0 s, … of 4.0 s wall on 2 cores": the CPU each used since {@code earlier}. */
  String since(CpuTimes earlier) {
    StringBuilder text = new StringBuilder();
    byProcess.forEach((name, cpu) -> {
      Duration used = cpu.minus(earlier.byProcess.getOrDefault(name, Duration.ZERO));
      text.append(String.format("%s %.1f s, ", name, used.toMillis() / 1000.0));
    });
    return text.append(String.format("(of which jvm gc %.1f s) of %.1f s wall on %d cores", (gcMillis - earlier.gcMillis) / 1000.0, (wallNanos - earlier.wallNanos) / 1e9,
        Runtime.getRuntime().availableProcessors())).toString();
  }
}
