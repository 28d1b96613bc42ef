package io.marketprism.controlplane;

import io.grpc.BindableService;
import io.marketprism.controlplane.api.RegistryApi;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.http.HealthHttpServer;
import java.util.List;

/**
 * The control-plane service: the xDS control plane: service registry, health checks, mesh policy, ADS.
 *
 * <p>Its admin HTTP port serves {@code GET /healthz} today; the registry API answers {@code UNIMPLEMENTED} and the
 * admin views of connected nodes arrive with issue #6 (the mesh).
 */
public final class ControlPlaneService extends MarketPrismService<ControlPlaneConfig> {

  public ControlPlaneService() {
    super("control-plane", ControlPlaneConfig.class);
  }

  @Override
  protected List<BindableService> services(ControlPlaneConfig config, ServiceContext ctx) throws Exception {
    ctx.shutdown()
        .register("admin endpoint", HealthHttpServer.start(config.admin().host(), config.admin().port(), ctx.health()));
    return List.of(new RegistryApi());
  }
}
