package io.marketprism.scheduler.api;

import io.marketprism.scheduler.v1.SchedulerServiceGrpc;

/**
 * The {@code marketprism.scheduler.v1.SchedulerService} API. Its methods are not implemented yet: the
 * generated base answers every call with {@code UNIMPLEMENTED}, which is what clients see until the scheduler issue
 * lands. The service is registered anyway so that health, reflection and routing work from day one.
 */
public final class SchedulerApi extends SchedulerServiceGrpc.SchedulerServiceImplBase {}
