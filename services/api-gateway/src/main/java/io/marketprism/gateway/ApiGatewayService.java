package io.marketprism.gateway;

import com.linecorp.armeria.server.Server;
import io.grpc.BindableService;
import io.marketprism.gateway.policy.GatewayEdgePolicies;
import io.marketprism.gateway.traffic.TrafficConfig;
import io.marketprism.gateway.routing.Upstream;
import io.marketprism.gateway.routing.UpstreamChannels;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import java.time.Clock;
import java.util.List;

/**
 * The api-gateway service, the one door for users: REST/JSON (from every contract's {@code google.api.http} rules),
 * gRPC, gRPC-Web, live streams as SSE and WebSocket, {@code /healthz}, {@code /docs} — on its HTTP port, behind
 * authentication, role rules, rate limits and the response cache. It calls the services over the mesh with its own
 * identity and passes the caller on in metadata. Its gRPC port serves only health and reflection.
 */
public final class ApiGatewayService extends MarketPrismService<ApiGatewayConfig> {

  public ApiGatewayService() {
    super("api-gateway", ApiGatewayConfig.class);
  }

  @Override
  protected List<BindableService> services(ApiGatewayConfig config, ServiceContext ctx) {
    GatewayEdgePolicies policies =
        GatewayEdgePolicies.create(config.security(), config.traffic(), ctx.metrics(), Clock.systemUTC());
    ctx.runtimeSettings().bind("traffic.rate-limits", TrafficConfig.RateLimits.class, policies::rateLimits);
    UpstreamChannels channels = new UpstreamChannels(ctx.channels(), Upstream.ALL);
    Server http = GatewayServer.start(
            config, Upstream.ALL, channels, policies, ctx.health(), ctx.metrics(), ctx.openTelemetry());
    ctx.shutdown().register("http endpoint", () -> http.stop().join());
    return List.of();
  }
}
