package io.marketprism.gateway;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.http.HealthHttpServer;
import java.util.List;

/**
 * The api-gateway service, the entry point for users: REST/JSON transcoding, gRPC and gRPC-Web, auth, rate limits, cache.
 *
 * <p>Its own HTTP port serves {@code GET /healthz} today; REST transcoding of every {@code google.api.http} route
 * arrives with the gateway issue. It has no gRPC API of its own yet beyond health and reflection.
 */
public final class ApiGatewayService extends MarketPrismService<ApiGatewayConfig> {

  public ApiGatewayService() {
    super("api-gateway", ApiGatewayConfig.class);
  }

  @Override
  protected List<BindableService> services(ApiGatewayConfig config, ServiceContext ctx) throws Exception {
    ctx.shutdown()
        .register("http endpoint", HealthHttpServer.start(config.http().host(), config.http().port(), ctx.health()));
    return List.of();
  }
}
