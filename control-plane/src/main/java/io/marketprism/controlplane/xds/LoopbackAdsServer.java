package io.marketprism.controlplane.xds;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext, read-only ADS endpoint on the loopback interface, as istiod's plaintext xDS port: for xDS clients that
 * cannot speak TLS to the control plane (gRPC for Node accepts only {@code insecure} or {@code google_default}
 * credentials for its xDS server). It serves ADS and nothing else, from a discovery server without the sidecar
 * registrar, so nobody who reaches it can change the registry; and only processes on this host reach it. The traffic
 * those clients then send to the services is still mTLS with their own certificates: the snapshots say so.
 */
public final class LoopbackAdsServer implements AutoCloseable {

  private final Server server;

  private LoopbackAdsServer(Server server) {
    this.server = server;
  }

  /**
   * Serves {@code readOnlyAds} on {@code 127.0.0.1:port} (0 = an ephemeral port).
   *
   * @throws IOException if the port cannot be bound
   */
  public static LoopbackAdsServer start(int port, BindableService readOnlyAds) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      return new LoopbackAdsServer(NettyServerBuilder.forAddress(address).addService(readOnlyAds).build().start());
    } catch (IOException e) {
      throw new IOException("plaintext-ads.port " + port + " on 127.0.0.1 cannot be bound: " + e.getMessage(), e);
    }
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  @Override
  public void close() throws InterruptedException {
    // open ADS streams never end by themselves: give them a moment to see the shutdown, then cut them
    server.shutdown();
    if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }
}
