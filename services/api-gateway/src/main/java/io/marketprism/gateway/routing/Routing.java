package io.marketprism.gateway.routing;

import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.server.grpc.UnframedGrpcErrorHandler;
import io.grpc.Channel;
import io.grpc.ServerServiceDefinition;

/** The routing side of the gateway as its server assembles it: upstream proxies and the REST error shape. */
public final class Routing {

  private final Deadlines deadlines;
  private final TranscodingErrors errors = new TranscodingErrors();

  public Routing(RoutingConfig config) {
    this.deadlines = new Deadlines(config);
  }

  /** {@code upstream}'s methods, each forwarded over {@code channel} with the route's deadline and the caller. */
  public ServerServiceDefinition proxy(Upstream upstream, Channel channel) {
    return UpstreamProxy.definition(upstream, channel, deadlines);
  }

  /** Requests whose message does not decode: INVALID_ARGUMENT rather than Armeria's UNKNOWN. */
  public GrpcExceptionHandlerFunction decodingErrors() {
    return new RequestDecodingErrors();
  }

  /** REST and JSON errors as a JSON {@code google.rpc.Status} with the conventional HTTP status. */
  public UnframedGrpcErrorHandler errorHandler() {
    return errors;
  }
}
