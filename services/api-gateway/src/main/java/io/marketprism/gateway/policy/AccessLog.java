package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.logging.AccessLogWriter;
import io.marketprism.gateway.security.Caller;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log event per request on logger {@code io.marketprism.gateway.access}, its fields as SLF4J key-values (the
 * kit's JSON layout makes them one JSON object per line): trace id, subject, role, credential, HTTP method, path,
 * gRPC method, status, latency, bytes in and out, cache result. Never a header value, so never a token.
 */
final class AccessLog implements AccessLogWriter {

  static final String LOGGER = "io.marketprism.gateway.access";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void log(RequestLog request) {
    if (!log.isInfoEnabled()) {
      return;
    }
    ServiceRequestContext ctx = (ServiceRequestContext) request.context();
    Caller caller = ctx.attr(Caller.ATTRIBUTE);
    io.opentelemetry.api.trace.SpanContext span =
        io.opentelemetry.api.trace.Span.fromContext(RequestTracing.contextOf(ctx)).getSpanContext();
    log.atInfo()
        .addKeyValue("trace_id", span.isValid() ? span.getTraceId() : "")
        .addKeyValue("subject", caller == null ? "" : caller.subject())
        .addKeyValue("role", caller == null ? "" : caller.role().name().toLowerCase(Locale.ROOT))
        .addKeyValue("credential", caller == null ? "" : caller.credential())
        .addKeyValue("http_method", request.requestHeaders().method().name())
        .addKeyValue("path", ctx.path())
        .addKeyValue("route", RouteMetrics.routeOf(ctx))
        .addKeyValue("status", request.responseHeaders().status().code())
        .addKeyValue("grpc_status", request.responseHeaders().get("grpc-status", request.responseTrailers().get("grpc-status", "")))
        .addKeyValue("latency_ms", TimeUnit.NANOSECONDS.toMillis(request.totalDurationNanos()))
        .addKeyValue("request_bytes", request.requestLength())
        .addKeyValue("response_bytes", request.responseLength())
        .addKeyValue("cache", ctx.attr(RequestAttributes.CACHE) == null ? "" : ctx.attr(RequestAttributes.CACHE))
        .log("access");
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return CompletableFuture.completedFuture(null);
  }
}
