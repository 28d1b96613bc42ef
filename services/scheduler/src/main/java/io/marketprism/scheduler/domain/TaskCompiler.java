package io.marketprism.scheduler.domain;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.Durations;
import com.google.rpc.Code;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.scheduler.invoke.MethodCatalog;
import io.marketprism.scheduler.invoke.TargetRequests;
import io.marketprism.scheduler.v1.RetryPolicy;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Checks a task against the contract's rules and resolves it into a {@link CompiledTask}; every problem is a field
 * violation named by its path in the request ({@code task.schedule.cron}). Stateless and thread-safe.
 */
public final class TaskCompiler {

  private static final String TASK_ID = "[a-z][a-z0-9-]{0,62}";
  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofDays(31);

  private final MethodCatalog catalog;
  private final TargetRequests requests;

  public TaskCompiler(MethodCatalog catalog) {
    this.catalog = catalog;
    this.requests = new TargetRequests(catalog);
  }

  /**
   * The task resolved, or {@code INVALID_ARGUMENT} naming every bad field under {@code prefix} (e.g. {@code task}).
   */
  public CompiledTask compile(Task task, String prefix) {
    FieldViolations violations = new FieldViolations();
    if (!task.getTaskId().matches(TASK_ID)) {
      violations.add(prefix + ".task_id", "must be 1 to 63 characters of [a-z0-9-], starting with a letter");
    }
    if (task.getDescription().length() > 1024) {
      violations.add(prefix + ".description", "must be at most 1024 characters");
    }
    Optional<FireSchedule> schedule = schedule(task, prefix + ".schedule", violations);
    Target target = task.getTarget();
    boolean publishes = target.hasNatsPublish();
    Optional<MethodDescriptor> method = Optional.empty();
    if (publishes) {
      NatsPublishes.check(target, prefix + ".target", violations);
    } else {
      method = method(task, prefix + ".target", violations);
    }
    DynamicMessage request = null;
    if (method.isPresent()) {
      try {
        request = requests.parse(target, method.get().getInputType());
        requests.checkFireTimeFields(target, method.get().getInputType());
      } catch (TargetRequests.InvalidRequestException e) {
        violations.add(prefix + ".target." + e.field(), e.getMessage());
      }
    }
    Duration timeout = DEFAULT_TIMEOUT;
    if (target.hasTimeout()) {
      timeout = Duration.ofNanos(Durations.toNanos(target.getTimeout()));
      if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
        violations.add(prefix + ".target.timeout", "must be 1s to 24h");
      }
    }
    checkRetry(task.getRetryPolicy(), prefix + ".retry_policy", violations);
    if (task.getMisfireCatchUpLimit() < 0 || task.getMisfireCatchUpLimit() > 1000) {
      violations.add(prefix + ".misfire_catch_up_limit", "must be 0 to 1000");
    }
    violations.throwIfAny();
    return new CompiledTask(task, schedule.orElseThrow(), publishes ? null : method.orElseThrow(), request, timeout,
        RetrySchedule.of(task.getRetryPolicy()));
  }

  private static Optional<FireSchedule> schedule(Task task, String field, FieldViolations violations) {
    if (!task.hasSchedule()) {
      violations.add(field, "is required");
      return Optional.empty();
    }
    Schedule schedule = task.getSchedule();
    boolean cron = !schedule.getCron().isBlank();
    if (cron == schedule.hasInterval()) {
      violations.add(field + ".cron", "set exactly one of cron and interval");
      return Optional.empty();
    }
    if (!cron) {
      Duration interval = Duration.ofNanos(Durations.toNanos(schedule.getInterval()));
      if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
        violations.add(field + ".interval", "must be 1s to 31 days");
        return Optional.empty();
      }
      return Optional.of(new IntervalSchedule(interval));
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(schedule.getTimeZone().isEmpty() ? "UTC" : schedule.getTimeZone());
    } catch (DateTimeException e) {
      violations.add(field + ".time_zone", "is not an IANA time zone such as UTC or Asia/Shanghai");
      return Optional.empty();
    }
    try {
      return Optional.of(CronSchedule.parse(schedule.getCron(), zone));
    } catch (IllegalArgumentException e) {
      violations.add(field + ".cron", "is not a valid cron expression: " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<MethodDescriptor> method(Task task, String field, FieldViolations violations) {
    if (!task.hasTarget()) {
      violations.add(field, "is required");
      return Optional.empty();
    }
    Target target = task.getTarget();
    if (!target.getService().matches(TASK_ID)) {
      violations.add(field + ".service", "must be a mesh service name such as data-storage");
    }
    Optional<MethodDescriptor> method = catalog.method(target.getMethod());
    if (method.isEmpty()) {
      violations.add(field + ".method",
          "unknown method " + target.getMethod() + " (use package.Service/Method, e.g. "
              + "marketprism.storage.v1.StorageService/Archive)");
    } else if (method.get().isClientStreaming() || method.get().isServerStreaming()) {
      violations.add(field + ".method", "must be a unary method");
      return Optional.empty();
    }
    return method;
  }

  private static void checkRetry(RetryPolicy policy, String field, FieldViolations violations) {
    if (policy.getMaxAttempts() < 0 || policy.getMaxAttempts() > 10) {
      violations.add(field + ".max_attempts", "must be 0 to 10");
    }
    if (policy.hasInitialBackoff() && !Durations.isPositive(policy.getInitialBackoff())) {
      violations.add(field + ".initial_backoff", "must be positive");
    }
    if (policy.hasMaxBackoff() && !Durations.isPositive(policy.getMaxBackoff())) {
      violations.add(field + ".max_backoff", "must be positive");
    }
    double multiplier = policy.getBackoffMultiplier();
    if (multiplier != 0 && (multiplier < 1.0 || multiplier > 10.0 || Double.isNaN(multiplier))) {
      violations.add(field + ".backoff_multiplier", "must be 1.0 to 10.0");
    }
    for (int i = 0; i < policy.getRetryableCodesCount(); i++) {
      int code = policy.getRetryableCodesValue(i);
      if (code <= Code.OK_VALUE || code > Code.UNAUTHENTICATED_VALUE) {
        violations.add(field + ".retryable_codes[" + i + "]", "must be a gRPC status code other than OK");
      }
    }
  }
}
