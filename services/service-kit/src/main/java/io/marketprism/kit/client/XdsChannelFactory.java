package io.marketprism.kit.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.xds.XdsChannelCredentials;

/**
 * Channels to {@code xds:///<service>}: endpoints, load balancing, retries, circuit breaking and mTLS come from the
 * control plane (the process's xDS bootstrap, see {@code MeshBootstrap}). When the service's clusters carry no TLS
 * (policy DISABLE) the channel is plaintext.
 */
public final class XdsChannelFactory implements ChannelFactory {

  @Override
  public ManagedChannel create(String serviceName) {
    return Grpc.newChannelBuilder("xds:///" + serviceName, XdsChannelCredentials.create(InsecureChannelCredentials.create()))
        .build();
  }
}
