package io.marketprism.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine as the report states it: cores, memory and the load averages (1, 5, 15 min), read from
 * {@code /proc} (Linux; "unknown" elsewhere). On a shared machine the load says how far to trust the figures.
 */
public record MachineLoad(int cores, long memoryBytes, String loadAverages) {

  private static final Pattern MEM_TOTAL = Pattern.compile("MemTotal:\\s+(\\d+) kB");

  /** Now. */
  public static MachineLoad now() {
    return new MachineLoad(Runtime.getRuntime().availableProcessors(), memory(), load());
  }

  /** The 1-minute load average, or NaN when unknown. */
  public double oneMinute() {
    try {
      return Double.parseDouble(loadAverages.split(" ")[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String load() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  private static long memory() {
    try {
      Matcher matcher = MEM_TOTAL.matcher(Files.readString(Path.of("/proc/meminfo")));
      return matcher.find() ? Long.parseLong(matcher.group(1)) * 1024 : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
