package io.marketprism.config.api;

import io.marketprism.config.v1.ConfigServiceGrpc;

/**
 * The {@code marketprism.config.v1.ConfigService} API. Its methods are not implemented yet: the
 * generated base answers every call with {@code UNIMPLEMENTED}, which is what clients see until the config-center issue
 * lands. The service is registered anyway so that health, reflection and routing work from day one.
 */
public final class ConfigApi extends ConfigServiceGrpc.ConfigServiceImplBase {}
