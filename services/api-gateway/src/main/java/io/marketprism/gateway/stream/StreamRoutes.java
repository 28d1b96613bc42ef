package io.marketprism.gateway.stream;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.websocket.WebSocketService;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.marketprism.gateway.EdgePolicies;
import io.marketprism.gateway.routing.PathTemplate;
import io.marketprism.gateway.routing.Upstream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The live-stream routes: every server-streaming method whose contract gives it a {@code google.api.http} GET path
 * is served there as Server-Sent Events and, for upgrade requests, as a WebSocket — behind the same edge policies
 * as every other route.
 */
public final class StreamRoutes {

  private final List<StreamRoute> routes;

  private StreamRoutes(List<StreamRoute> routes) {
    this.routes = routes;
  }

  public static StreamRoutes of(
      List<Upstream> upstreams,
      Function<Upstream, Channel> channels,
      EdgePolicies policies,
      int buffer,
      Duration heartbeat,
      PrometheusRegistry registry) {
    StreamSettings settings = new StreamSettings(buffer, heartbeat, new StreamMetrics(registry));
    List<StreamRoute> routes = new ArrayList<>();
    for (Upstream upstream : upstreams) {
      for (MethodDescriptor<?, ?> method : upstream.grpc().getMethods()) {
        if (method.getType() != MethodDescriptor.MethodType.SERVER_STREAMING) {
          continue;
        }
        HttpRule rule =
            ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor())
                .getMethodDescriptor()
                .getOptions()
                .getExtension(AnnotationsProto.http);
        if (rule.getPatternCase() == HttpRule.PatternCase.GET) {
          routes.add(
              new StreamRoute(method, PathTemplate.parse(rule.getGet()), channels.apply(upstream), policies, settings));
        }
      }
    }
    return new StreamRoutes(List.copyOf(routes));
  }

  /** Binds each route, wrapped by {@code edge} (the request's trace and the edge policies). */
  public void bind(ServerBuilder server, Function<HttpService, HttpService> edge) {
    for (StreamRoute route : routes) {
      WebSocketService service =
          WebSocketService.builder(route)
              .fallbackService(route)
              // credentials travel in headers, never cookies, so a page of another origin cannot ride a user's
              // session: which origins may call is the CORS configuration's business, as for every other route
              .allowedOrigin(origin -> true)
              .build();
      HttpService withOrigin =
          service.decorate(
              (delegate, ctx, req) -> {
                // programs (not browsers) often send no Origin, which Armeria refuses on an upgrade: treat them as
                // same-origin callers, as the origin check exists only to stop pages of other sites
                if (!req.headers().contains(HttpHeaderNames.ORIGIN) && req.headers().contains(HttpHeaderNames.UPGRADE)) {
                  String scheme = ctx.sessionProtocol().isTls() ? "https://" : "http://";
                  String host = req.headers().get(HttpHeaderNames.HOST, req.authority() == null ? "localhost" : req.authority());
                  return delegate.serve(
                      ctx, req.withHeaders(req.headers().toBuilder().set(HttpHeaderNames.ORIGIN, scheme + host)));
                }
                return delegate.serve(ctx, req);
              });
      server.service(Route.builder().regex(route.path().regex()).build(), edge.apply(withOrigin));
    }
  }

  /** The full names of the methods served as streams. */
  public List<String> methods() {
    return routes.stream().map(StreamRoute::fullMethodName).toList();
  }
}
