package io.marketprism.kit.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.xds.XdsChannelCredentials;
import io.marketprism.kit.config.MeshConfig;

/**
 * Channels to {@code xds:///<service>}: endpoints, load balancing, retries, circuit breaking and mTLS come from the
 * control plane (the process's xDS bootstrap, see {@code MeshBootstrap}). When the service's clusters carry no TLS
 * (policy DISABLE) the channel is plaintext. The control plane itself ({@code "control-plane"}: its registry, for
 * instance) is not behind xDS and is dialled directly ({@link ControlPlaneChannel}).
 */
public final class XdsChannelFactory implements ChannelFactory {

  private final MeshConfig mesh;

  public XdsChannelFactory(MeshConfig mesh) {
    this.mesh = mesh;
  }

  @Override
  public ManagedChannel create(String serviceName) {
    if (serviceName.equals(ControlPlaneChannel.SERVICE)) {
      return ControlPlaneChannel.open(mesh);
    }
    return Grpc.newChannelBuilder("xds:///" + serviceName, XdsChannelCredentials.create(InsecureChannelCredentials.create()))
        .build();
  }
}
