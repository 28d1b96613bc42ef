package io.marketprism.kit.client;

import io.grpc.ManagedChannel;

/**
 * Creates the channel to another service: the seam where service discovery is chosen.
 *
 * <p>{@link PeerChannelFactory} dials the address configured under {@code peers.<service>}. The mesh adds one that
 * returns {@code Grpc.newChannelBuilder("xds:///" + service, XdsChannelCredentials.create(..))}, which takes
 * endpoints, load balancing and mTLS from the control plane. Tracing is added by {@link Channels}, not here.
 */
public interface ChannelFactory {

  /**
   * A new channel to {@code serviceName}.
   *
   * @throws IllegalArgumentException if this factory does not know how to reach that service
   */
  ManagedChannel create(String serviceName);
}
