package io.marketprism.scheduler;

import com.google.protobuf.util.Timestamps;
import io.marketprism.scheduler.v1.Run;
import io.marketprism.scheduler.v1.Trigger;
import java.util.ArrayList;
import java.util.List;

/** What tests of 1 s tasks check in a task's runs: which seconds fired, and which runs made up missed ones. */
public final class FireTimes {

  private FireTimes() {}

  public static List<Run> catchUps(List<Run> runs) {
    return runs.stream().filter(r -> r.getTrigger() == Trigger.TRIGGER_CATCH_UP).toList();
  }

  /** Whole seconds between the first and last fire time that have no run. */
  public static List<Long> secondsMissing(List<Run> runs) {
    List<Long> seconds = runs.stream().map(r -> Timestamps.toMillis(r.getFireTime()) / 1000).sorted().toList();
    List<Long> missing = new ArrayList<>();
    for (long s = seconds.get(0); s <= seconds.get(seconds.size() - 1); s++) {
      if (!seconds.contains(s)) {
        missing.add(s);
      }
    }
    return missing;
  }
}
