package io.marketprism.monitoring.api;

import io.marketprism.monitoring.v1.MonitoringServiceGrpc;

/**
 * The {@code marketprism.monitoring.v1.MonitoringService} API. Its methods are not implemented yet: the
 * generated base answers every call with {@code UNIMPLEMENTED}, which is what clients see until the monitoring issue
 * lands. The service is registered anyway so that health, reflection and routing work from day one.
 */
public final class MonitoringApi extends MonitoringServiceGrpc.MonitoringServiceImplBase {}
