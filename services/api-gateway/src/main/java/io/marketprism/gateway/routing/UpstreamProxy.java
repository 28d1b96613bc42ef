package io.marketprism.gateway.routing;

import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;

/**
 * The gateway's stand-in for an upstream service: a service definition with the upstream's own method descriptors
 * (so Armeria transcodes their {@code google.api.http} rules, serves gRPC-Web and JSON, and the docs list them),
 * each method forwarded over the upstream's mesh channel.
 */
final class UpstreamProxy {

  private UpstreamProxy() {}

  static ServerServiceDefinition definition(Upstream upstream, Channel channel, Deadlines deadlines) {
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(upstream.grpc());
    for (MethodDescriptor<?, ?> method : upstream.grpc().getMethods()) {
      addForwarded(builder, upstream.service(), method, channel, deadlines);
    }
    return builder.build();
  }

  private static <Q, R> void addForwarded(
      ServerServiceDefinition.Builder builder,
      String service,
      MethodDescriptor<Q, R> method,
      Channel channel,
      Deadlines deadlines) {
    builder.addMethod(method, new ProxyCallHandler<>(service, channel, deadlines));
  }
}
