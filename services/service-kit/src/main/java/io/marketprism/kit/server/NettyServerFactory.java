package io.marketprism.kit.server;

import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.marketprism.kit.config.GrpcConfig;
import java.net.InetSocketAddress;

/** A plaintext Netty server on {@code grpc.host:grpc.port} (port 0: an ephemeral port). */
public final class NettyServerFactory implements GrpcServerFactory {

  @Override
  public ServerBuilder<?> newServerBuilder(String serviceName, GrpcConfig grpc) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(grpc.host(), grpc.port()));
  }
}
