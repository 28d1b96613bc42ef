package io.marketprism.kit.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.Map;

/** Plaintext channels to the {@code host:port} configured for each service under {@code peers}. */
public final class PeerChannelFactory implements ChannelFactory {

  private final Map<String, String> peers;

  public PeerChannelFactory(Map<String, String> peers) {
    this.peers = Map.copyOf(peers);
  }

  @Override
  public ManagedChannel create(String serviceName) {
    String address = peers.get(serviceName);
    if (address == null) {
      throw new IllegalArgumentException(
          "no address for service " + serviceName + ": set peers." + serviceName + " in the config file or "
              + "MARKETPRISM_PEERS_" + serviceName.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
  }
}
