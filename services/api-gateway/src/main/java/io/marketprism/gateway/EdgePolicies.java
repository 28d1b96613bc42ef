package io.marketprism.gateway;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.marketprism.gateway.security.Caller;
import java.util.List;

/**
 * The gateway's edge policies, kept apart from its routing: authentication, authorization, rate limits, the response
 * cache, CORS, request limits, the access log and per-route metrics.
 *
 * <p>The routing side (transcoding, gRPC-Web, SSE, upstream calls) calls these at fixed points; the security side
 * implements them. {@link #NONE} lets nothing be checked, for tests of routing alone.
 */
public interface EdgePolicies {

  /** Server-wide settings: request size and header limits, the access log writer, metrics. */
  void configureServer(ServerBuilder server);

  /** Wraps every user-facing route (REST, gRPC, gRPC-Web, SSE): CORS, authentication, the response cache. */
  HttpService decorate(HttpService routes);

  /** Interceptors for every gRPC call the gateway serves (after transcoding): they call {@link #admit}. */
  List<ServerInterceptor> grpcInterceptors();

  /**
   * Lets {@code caller} call {@code fullMethodName} ({@code "marketprism.storage.v1.StorageService/ListTrades"}) now,
   * or throws {@code PERMISSION_DENIED} (role may not) or {@code RESOURCE_EXHAUSTED} with {@code RetryInfo} (over its
   * rate limit). Also used by routes that are not gRPC calls, such as SSE streams.
   */
  void admit(Caller caller, String fullMethodName) throws StatusRuntimeException;

  /** Policies that check nothing. */
  EdgePolicies NONE =
      new EdgePolicies() {
        @Override
        public void configureServer(ServerBuilder server) {}

        @Override
        public HttpService decorate(HttpService routes) {
          return routes;
        }

        @Override
        public List<ServerInterceptor> grpcInterceptors() {
          return List.of();
        }

        @Override
        public void admit(Caller caller, String fullMethodName) {}
      };
}
