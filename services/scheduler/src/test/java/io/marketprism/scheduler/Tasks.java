package io.marketprism.scheduler;

import com.google.protobuf.util.Durations;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;

/** Tasks for tests: storage Archive with its cutoff set to the fire time, so the target sees which time fired. */
public final class Tasks {

  public static final String ARCHIVE = "marketprism.storage.v1.StorageService/Archive";

  private Tasks() {}

  public static Task.Builder archiveEvery(String id, long intervalMillis) {
    return Task.newBuilder().setTaskId(id)
        .setSchedule(Schedule.newBuilder().setInterval(Durations.fromMillis(intervalMillis)))
        .setTarget(archiveTarget());
  }

  public static Task.Builder archiveAt(String id, String cron) {
    return Task.newBuilder().setTaskId(id)
        .setSchedule(Schedule.newBuilder().setCron(cron).setTimeZone("UTC"))
        .setTarget(archiveTarget());
  }

  private static Target.Builder archiveTarget() {
    return Target.newBuilder().setService("data-storage").setMethod(ARCHIVE).setRequestJson("{\"dryRun\": true}")
        .putFireTimeFields("cutoff_time_ns", Durations.fromSeconds(0))
        .setTimeout(Durations.fromSeconds(5));
  }
}
