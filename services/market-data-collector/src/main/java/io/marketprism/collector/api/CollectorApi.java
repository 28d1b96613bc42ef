package io.marketprism.collector.api;

import io.marketprism.collector.v1.CollectorServiceGrpc;

/**
 * The {@code marketprism.collector.v1.CollectorService} API. Its methods are not implemented yet: the
 * generated base answers every call with {@code UNIMPLEMENTED}, which is what clients see until issue #4 (market data in)
 * lands. The service is registered anyway so that health, reflection and routing work from day one.
 */
public final class CollectorApi extends CollectorServiceGrpc.CollectorServiceImplBase {}
