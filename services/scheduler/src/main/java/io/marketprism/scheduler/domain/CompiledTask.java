package io.marketprism.scheduler.domain;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import io.marketprism.scheduler.v1.ConcurrencyPolicy;
import io.marketprism.scheduler.v1.MisfirePolicy;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.TaskState;
import java.time.Duration;

/**
 * A valid task ready to fire: its schedule, method and request resolved and its defaults applied. Immutable.
 *
 * @param method the RPC called; null when the task publishes to NATS instead ({@link #publishes()})
 * @param request the request without fire-time fields (see {@code TargetRequests.forFiring}); null when publishing
 */
public record CompiledTask(
    Task task,
    FireSchedule schedule,
    MethodDescriptor method,
    DynamicMessage request,
    Duration timeout,
    RetrySchedule retry) {

  public String id() {
    return task.getTaskId();
  }

  /** True when the task's target is a JetStream publish rather than an RPC. */
  public boolean publishes() {
    return task.getTarget().hasNatsPublish();
  }

  public boolean enabled() {
    return task.getState() != TaskState.TASK_STATE_PAUSED;
  }

  public ConcurrencyPolicy concurrency() {
    return task.getConcurrencyPolicy() == ConcurrencyPolicy.CONCURRENCY_POLICY_UNSPECIFIED
        ? ConcurrencyPolicy.CONCURRENCY_POLICY_FORBID
        : task.getConcurrencyPolicy();
  }

  public MisfirePolicy misfire() {
    return task.getMisfirePolicy() == MisfirePolicy.MISFIRE_POLICY_UNSPECIFIED
        ? MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE
        : task.getMisfirePolicy();
  }

  /** With {@link MisfirePolicy#MISFIRE_POLICY_FIRE_ALL}: the most missed firings made up. */
  public int catchUpLimit() {
    return task.getMisfireCatchUpLimit() == 0 ? 100 : task.getMisfireCatchUpLimit();
  }
}
