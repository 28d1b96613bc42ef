package io.marketprism.scheduler;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.scheduler.api.SchedulerApi;
import io.marketprism.scheduler.store.FireCursors;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks every deployment starts with, installed once per store (a later start does not bring back one an
 * operator deleted): the nightly storage {@code Archive} of days older than the hot retention, and the retention
 * cleanup of the cold tables, storage's {@code PurgeArchive} of days older than the cold retention.
 */
final class BuiltInTasks {

  private static final Logger log = LoggerFactory.getLogger(BuiltInTasks.class);
  static final String ARCHIVE = "storage-archive-daily";
  static final String PURGE = "storage-retention-cleanup";
  /** {@code updated_by} of the built-ins: no caller asked for them. */
  static final String BUILT_IN_AUTHOR = "scheduler";

  private BuiltInTasks() {}

  static List<Task> of(SchedulerConfig.BuiltIns config) {
    return List.of(
        task(ARCHIVE, "Moves storage's hot days older than " + config.hotRetention().toDays()
                + " days to the cold archive", config.archiveCron(), "Archive", config.hotRetention()),
        task(PURGE, "Drops cold archive days older than " + config.coldRetention().toDays() + " days",
            config.purgeCron(), "PurgeArchive", config.coldRetention()));
  }

  private static Task task(String id, String description, String cron, String method, Duration age) {
    return Task.newBuilder().setTaskId(id).setDescription(description)
        .setSchedule(Schedule.newBuilder().setCron(cron).setTimeZone("UTC"))
        .setTarget(Target.newBuilder().setService("data-storage")
            .setMethod("marketprism.storage.v1.StorageService/" + method)
            // wait: the two share storage's lock; a run that finds the other one running waits instead of failing
            .setRequestJson("{\"wait\": true}")
            .putFireTimeFields("cutoff_time_ns", Durations.fromNanos(age.toNanos()))
            .setTimeout(Durations.fromHours(1)))
        .build();
  }

  static void installOnce(SchedulerConfig.BuiltIns config, FireCursors once, SchedulerApi api) {
    if (!config.enabled() || !once.markOnce("built-ins")) {
      return;
    }
    for (Task task : of(config)) {
      try {
        api.create(task, BUILT_IN_AUTHOR);
        log.info("built-in task {} installed", task.getTaskId());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
    }
  }
}
