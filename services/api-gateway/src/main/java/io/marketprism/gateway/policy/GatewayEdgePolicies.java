package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.cors.CorsServiceBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.marketprism.gateway.EdgePolicies;
import io.marketprism.gateway.security.AccessRules;
import io.marketprism.gateway.security.Authenticator;
import io.marketprism.gateway.security.Caller;
import io.marketprism.gateway.security.SecurityConfig;
import io.marketprism.gateway.traffic.RateLimiter;
import io.marketprism.gateway.traffic.ResponseCache;
import io.marketprism.gateway.traffic.TrafficConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The edge policies from the {@code security:} and {@code traffic:} sections. Every user-facing route is wrapped, from
 * the outside in:
 *
 * <ol>
 *   <li>CORS (preflights are answered here, before authentication, as browsers send them without credentials);
 *   <li>per-route metrics;
 *   <li>authentication: the {@link Caller} on the request context, or 401 / {@code UNAUTHENTICATED};
 *   <li>the response cache (a hit is still admitted);
 *   <li>the routes, whose gRPC calls pass the {@link #grpcInterceptors()}: role, then rate limits.
 * </ol>
 *
 * The server gets the request size and header limits (413, 431) and the JSON access log. Thread-safe.
 */
public final class GatewayEdgePolicies implements EdgePolicies, AutoCloseable {

  private final SecurityConfig security;
  private final TrafficConfig traffic;
  private final Authenticator authenticator;
  private final AccessRules rules;
  private volatile RateLimiter limiter;
  private final ResponseCache cache;
  private final RouteMetrics metrics;
  private final Clock clock;

  private GatewayEdgePolicies(SecurityConfig security, TrafficConfig traffic, PrometheusRegistry registry, Clock clock) {
    this.security = security;
    this.traffic = traffic;
    this.clock = clock;
    this.authenticator = Authenticator.create(security, clock);
    this.rules = new AccessRules(security.roles());
    this.limiter = new RateLimiter(traffic.rateLimits(), clock);
    this.cache = new ResponseCache(traffic.cache(), registry, clock);
    this.metrics = new RouteMetrics(registry);
  }

  /**
   * Replaces the rate limits while the gateway runs (the run-time setting {@code traffic.rate-limits}, shaped like
   * the file's section); empty = the file's. Every bucket starts full under the new limits.
   */
  public void rateLimits(Optional<TrafficConfig.RateLimits> limits) {
    limiter = new RateLimiter(limits.orElse(traffic.rateLimits()), clock);
  }

  /** Reads the key files named by {@code security}; fails if one cannot be read. */
  public static GatewayEdgePolicies create(
      SecurityConfig security, TrafficConfig traffic, PrometheusRegistry registry, Clock clock) {
    return new GatewayEdgePolicies(security, traffic, registry, clock);
  }

  @Override
  public void configureServer(ServerBuilder server) {
    server.maxRequestLength(traffic.limits().maxRequestBytes());
    server.http1MaxHeaderSize(traffic.limits().maxHeaderBytes());
    server.http2MaxHeaderListSize(traffic.limits().maxHeaderBytes());
    server.accessLogWriter(new AccessLog(), true);
  }

  @Override
  public HttpService decorate(HttpService routes) {
    HttpService decorated =
        new AuthenticatingService(
            new CachingService(routes, cache, traffic.cache().perSubject(), this, clock),
            authenticator,
            security.anonymous());
    decorated =
        decorated.decorate(
            (delegate, ctx, req) -> {
              metrics.record(ctx);
              return delegate.serve(ctx, req);
            });
    List<String> origins = traffic.cors().allowedOrigins();
    if (origins.isEmpty()) {
      return decorated;
    }
    CorsServiceBuilder cors =
        origins.contains("*") ? CorsService.builderForAnyOrigin() : CorsService.builder(origins);
    return decorated.decorate(
        cors.allowRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)
            .allowRequestHeaders(
                HttpHeaderNames.AUTHORIZATION,
                HttpHeaderNames.CONTENT_TYPE,
                HttpHeaderNames.CACHE_CONTROL,
                HttpHeaderNames.LAST_EVENT_ID,
                Authenticator.API_KEY_HEADER,
                "x-grpc-web",
                "x-user-agent",
                "grpc-timeout")
            .exposeHeaders(
                HttpHeaderNames.RETRY_AFTER,
                HttpHeaderNames.WWW_AUTHENTICATE,
                HttpHeaderNames.AGE,
                "grpc-status",
                "grpc-message",
                "grpc-status-details-bin")
            .maxAge(traffic.cors().maxAge().toSeconds())
            .newDecorator());
  }

  @Override
  public List<ServerInterceptor> grpcInterceptors() {
    return List.of(new AdmissionInterceptor(this));
  }

  @Override
  public void admit(Caller caller, String fullMethodName) throws StatusRuntimeException {
    rules.check(caller, fullMethodName);
    Duration wait = limiter.tryAcquire(caller, fullMethodName);
    if (!wait.isZero()) {
      ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
      if (ctx != null) {
        // whole seconds, rounded up: a client that waits this long finds a token
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ctx.addAdditionalResponseHeader(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
      }
      throw RateLimiter.exhausted(caller, fullMethodName, wait);
    }
  }

  @Override
  public void close() {
    // nothing holds threads or files open: the API key file is read on demand and the caches are heap only
  }
}
