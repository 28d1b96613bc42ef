package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import io.grpc.StatusRuntimeException;
import io.marketprism.gateway.EdgePolicies;
import io.marketprism.gateway.security.Caller;
import io.marketprism.gateway.traffic.ResponseCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers cacheable GETs from the {@link ResponseCache}. Runs after authentication, and a hit is still admitted
 * (role and rate limit) for the method that produced the response, so the cache saves the upstream call and nothing
 * else. The request's {@code Cache-Control: no-cache} skips the lookup, {@code no-store} skips the cache entirely;
 * responses say {@code Cache-Control: private, max-age=<ttl>} and {@code Age}.
 */
final class CachingService extends SimpleDecoratingHttpService {

  private final ResponseCache cache;
  private final boolean perSubject;
  private final EdgePolicies admission;
  private final Clock clock;

  CachingService(HttpService delegate, ResponseCache cache, boolean perSubject, EdgePolicies admission, Clock clock) {
    super(delegate);
    this.cache = cache;
    this.perSubject = perSubject;
    this.admission = admission;
    this.clock = clock;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    RequestHeaders headers = req.headers();
    Caller caller = ctx.attr(Caller.ATTRIBUTE);
    String requestCacheControl = headers.get(HttpHeaderNames.CACHE_CONTROL, "").toLowerCase(Locale.ROOT);
    String accept = headers.get(HttpHeaderNames.ACCEPT, "");
    Optional<Duration> ttl = cache.ttlOf(ctx.path());
    if (headers.method() != HttpMethod.GET
        || caller == null
        || ttl.isEmpty()
        || ErrorResponses.isGrpc(headers)
        || accept.contains("text/event-stream")
        || requestCacheControl.contains("no-store")) {
      return unwrap().serve(ctx, req);
    }
    ResponseCache.Key key = new ResponseCache.Key(scopeOf(caller), ctx.path() + "?" + nullToEmpty(ctx.query()), accept);
    if (!requestCacheControl.contains("no-cache")) {
      Optional<ResponseCache.Entry> hit = cache.lookup(key);
      if (hit.isPresent()) {
        ResponseCache.Entry entry = hit.get();
        ctx.setAttr(RequestAttributes.METHOD, entry.fullMethodName());
        ctx.setAttr(RequestAttributes.CACHE, "hit");
        try {
          admission.admit(caller, entry.fullMethodName());
        } catch (StatusRuntimeException e) {
          var code = e.getStatus().getCode();
          return ErrorResponses.of(headers, code, ErrorResponses.httpStatusOf(code), e.getStatus().getDescription(), null);
        }
        long age = Duration.between(entry.stored(), clock.instant()).toSeconds();
        return withCacheHeaders(entry.response(), entry.ttl(), Math.max(0, age)).toHttpResponse();
      }
    }
    ctx.setAttr(RequestAttributes.CACHE, "miss");
    Instant started = clock.instant();
    HttpResponse response = unwrap().serve(ctx, req);
    return HttpResponse.of(
        response
            .aggregate()
            .thenApply(
                aggregated -> {
                  String method = ctx.attr(RequestAttributes.METHOD);
                  if (aggregated.status().equals(HttpStatus.OK) && method != null) {
                    cache.store(key, new ResponseCache.Entry(aggregated, method, started, ttl.get()));
                  }
                  return withCacheHeaders(aggregated, ttl.get(), 0).toHttpResponse();
                }));
  }

  private String scopeOf(Caller caller) {
    return perSubject
        ? "subject:" + caller.credential() + ":" + caller.subject()
        : "role:" + caller.role().name();
  }

  private static AggregatedHttpResponse withCacheHeaders(AggregatedHttpResponse response, Duration ttl, long ageSeconds) {
    if (!response.status().equals(HttpStatus.OK)) {
      return response;
    }
    ResponseHeaders headers =
        response.headers().toBuilder()
            .set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=" + Math.max(1, ttl.toSeconds()))
            .set(HttpHeaderNames.AGE, Long.toString(ageSeconds))
            .build();
    return AggregatedHttpResponse.of(headers, response.content(), response.trailers());
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
