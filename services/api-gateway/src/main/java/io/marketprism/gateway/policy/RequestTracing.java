package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.logging.RequestLogProperty;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Starts each request's trace at the edge: a {@code SERVER} span named {@code "<method> <route>"} (OpenTelemetry's
 * HTTP semantic conventions), child of the caller's W3C {@code traceparent} when it sends one. The span's context is
 * kept on the request ({@link #CONTEXT}), so the upstream calls the request makes — unary, streamed or proxied gRPC —
 * are its children and carry it on in their {@code traceparent}. The span ends with the response, its status code
 * set; 5xx answers mark it as an error.
 */
public final class RequestTracing {

  /** The OpenTelemetry context of the request's server span. */
  public static final io.netty.util.AttributeKey<Context> CONTEXT =
      io.netty.util.AttributeKey.valueOf(RequestTracing.class, "CONTEXT");

  private static final AttributeKey<String> HTTP_METHOD =
      AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> URL_PATH =
      AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> URL_SCHEME =
      AttributeKey.stringKey("url.scheme");
  private static final AttributeKey<String> HTTP_ROUTE =
      AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> RPC_METHOD =
      AttributeKey.stringKey("rpc.method.full");

  private static final TextMapGetter<RequestHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders headers) {
          return headers.names().stream().map(Object::toString).toList();
        }

        @Override
        public String get(RequestHeaders headers, String key) {
          return headers == null ? null : headers.get(key);
        }
      };

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;

  public RequestTracing(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer("io.marketprism.gateway");
  }

  /** Wraps {@code routes} so that every request runs in a server span of its own. */
  public HttpService decorate(HttpService routes) {
    return new SimpleDecoratingHttpService(routes) {
      @Override
      public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Context parent =
            openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), req.headers(), HEADERS);
        String method = req.headers().method().name();
        Span span =
            tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_PATH, ctx.path())
                .setAttribute(URL_SCHEME, ctx.sessionProtocol().isTls() ? "https" : "http")
                .startSpan();
        ctx.setAttr(CONTEXT, parent.with(span));
        ctx.log()
            .whenAvailable(RequestLogProperty.RESPONSE_HEADERS)
            .thenAccept(
                log -> {
                  // the route: the gRPC method the request reached, else the server's path pattern
                  String route = RouteMetrics.routeOf(ctx);
                  span.updateName(method + " " + route);
                  span.setAttribute(HTTP_ROUTE, route);
                  String grpcMethod = ctx.attr(RequestAttributes.METHOD);
                  if (grpcMethod != null) {
                    span.setAttribute(RPC_METHOD, grpcMethod);
                  }
                  int status = log.responseHeaders().status().code();
                  span.setAttribute(STATUS_CODE, (long) status);
                  if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                  }
                });
        ctx.log().whenComplete().thenAccept(log -> span.end());
        try (var scope = span.makeCurrent()) {
          return unwrap().serve(ctx, req);
        }
      }
    };
  }

  /** The request's trace context, for the upstream calls it makes; the current one outside a request. */
  public static Context contextOf(ServiceRequestContext ctx) {
    Context context = ctx == null ? null : ctx.attr(CONTEXT);
    return context != null ? context : Context.current();
  }
}
