package io.marketprism.controlplane.api;

import io.marketprism.registry.v1.RegistryServiceGrpc;

/**
 * The {@code marketprism.registry.v1.RegistryService} API. Its methods are not implemented yet: the generated base
 * answers every call with {@code UNIMPLEMENTED}, which is what clients see until issue #6 (the mesh) lands. The
 * service is registered anyway so that health, reflection and routing work from day one.
 */
public final class RegistryApi extends RegistryServiceGrpc.RegistryServiceImplBase {}
