package io.marketprism.broker.api;

import io.marketprism.broker.v1.BrokerServiceGrpc;

/**
 * The {@code marketprism.broker.v1.BrokerService} API. Its methods are not implemented yet: the
 * generated base answers every call with {@code UNIMPLEMENTED}, which is what clients see until issue #4 (market data in)
 * lands. The service is registered anyway so that health, reflection and routing work from day one.
 */
public final class BrokerApi extends BrokerServiceGrpc.BrokerServiceImplBase {}
