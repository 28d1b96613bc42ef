package io.marketprism.gateway;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingQueryParamMatchRule;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.marketprism.gateway.openapi.OpenApiDocument;
import io.marketprism.gateway.policy.JsonStatusPages;
import io.marketprism.gateway.policy.RequestTracing;
import io.marketprism.gateway.routing.Routing;
import io.marketprism.gateway.routing.Upstream;
import io.marketprism.gateway.routing.UpstreamChannels;
import io.marketprism.gateway.routing.UpstreamHealth;
import io.marketprism.gateway.stream.StreamRoutes;
import io.marketprism.kit.health.ServiceHealth;
import io.opentelemetry.api.OpenTelemetry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * The users' door, on one HTTP port, read top to bottom: every upstream's gRPC methods (native gRPC, gRPC-Web,
 * unframed JSON and REST from their {@code google.api.http} rules) and server reflection; the live streams (SSE,
 * WebSocket); {@code /healthz}; the API docs ({@code /docs}, {@code /openapi.json}); the web console ({@code /} and
 * {@code /console/*}, from the {@code marketprism-console} jar). Every route but the console's static files is wrapped
 * by the {@link EdgePolicies}.
 */
public final class GatewayServer {

  private GatewayServer() {}

  /** The jar's version (the API's version in the OpenAPI document), {@code dev} when run from classes. */
  private static String version() {
    String version = GatewayServer.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** Builds and starts the server; {@code server.stop()} drains it. */
  public static Server start(
      ApiGatewayConfig config,
      List<Upstream> upstreams,
      UpstreamChannels channels,
      EdgePolicies policies,
      ServiceHealth health,
      PrometheusRegistry metrics,
      OpenTelemetry openTelemetry) {
    ServerBuilder server = Server.builder();
    InetSocketAddress address = new InetSocketAddress(config.http().host(), config.http().port());
    if (config.http().tls().enabled()) {
      server.https(address).tls(new File(config.http().tls().certFile()), new File(config.http().tls().keyFile()));
    } else {
      server.http(address);
    }
    policies.configureServer(server);
    server.errorHandler(new JsonStatusPages());

    // every route, outermost first: the request's trace, then the edge policies
    RequestTracing tracing = new RequestTracing(openTelemetry);
    Function<HttpService, HttpService> edge = routes -> tracing.decorate(policies.decorate(routes));

    Routing routing = new Routing(config.routing());
    GrpcServiceBuilder grpc =
        GrpcService.builder()
            .enableUnframedRequests(true)
            .exceptionHandler(routing.decodingErrors())
            .unframedGrpcErrorHandler(routing.errorHandler())
            .enableHttpJsonTranscoding(
                HttpJsonTranscodingOptions.builder()
                    .queryParamMatchRules(
                        HttpJsonTranscodingQueryParamMatchRule.ORIGINAL_FIELD,
                        HttpJsonTranscodingQueryParamMatchRule.LOWER_CAMEL_CASE)
                    .errorHandler(routing.errorHandler())
                    .build())
            // JSON with the contracts' own field names (exchange_time_ns), as `marketprism normalize` writes it
            .jsonMarshallerFactory(
                service ->
                    GrpcJsonMarshaller.builder()
                        .jsonMarshallerCustomizer(json -> json.preservingProtoFieldNames(true))
                        .build(service))
            // Armeria takes one reflection service per GrpcService: v1, which buf curl and grpcurl ask first
            .addService(ProtoReflectionServiceV1.newInstance());
    for (Upstream upstream : upstreams) {
      grpc.addService(
          ServerInterceptors.intercept(routing.proxy(upstream, channels.of(upstream)), policies.grpcInterceptors()));
    }
    server.service(grpc.build(), edge);

    StreamRoutes.of(
            upstreams,
            channels::of,
            policies,
            config.routing().streamBuffer(),
            config.routing().streamHeartbeat(),
            metrics)
        .bind(server, edge);
    UpstreamHealth upstreamHealth = new UpstreamHealth(upstreams, channels, health, config.routing().healthTimeout());
    upstreamHealth.warmUp();
    server.service("/healthz", edge.apply(upstreamHealth));
    server.serviceUnder("/docs", edge.apply(DocService.builder().build()));
    String openApi =
        OpenApiDocument.generate("MarketPrism", version(), upstreams.stream().map(Upstream::protoDescriptor).toList())
            .toJsonString();
    server.service(
        "/openapi.json",
        edge.apply((ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, openApi)));

    // The console's page, script and style are public like /docs (the login form must load without a token); every
    // call the page makes goes to the routes above with the user's token, through the same edge policies.
    ClassLoader classes = GatewayServer.class.getClassLoader();
    server.service("/", tracing.decorate(HttpFile.of(classes, "console/index.html").asService()));
    server.serviceUnder("/console/", tracing.decorate(FileService.builder(classes, "console").build()));

    Server built = server.build();
    built.start().join();
    return built;
  }
}
