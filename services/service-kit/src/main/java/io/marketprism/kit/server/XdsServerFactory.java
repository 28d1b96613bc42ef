package io.marketprism.kit.server;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.marketprism.kit.config.GrpcConfig;
import io.marketprism.kit.config.MeshConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mesh's server: {@code XdsServerBuilder} on {@code grpc.port}, taking its listener — TLS mode, client
 * certificate requirement, RBAC — from the control plane; with no TLS in the listener (policy DISABLE) it serves
 * plaintext. RBAC refusals name the caller and the method ({@link PolicyDenials}). Beside it, a plaintext {@code grpc.health.v1} port for the control plane's health checks, since the
 * main port may require a mesh certificate.
 *
 * <p>{@code XdsServerBuilder} names its listener after the port it serves, so the port must be known up front:
 * {@code grpc.port} 0 picks a free port first.
 */
public final class XdsServerFactory implements GrpcServerFactory {

  /** How long {@code start()} waits for the control plane's listener before start-up fails. */
  private static final Duration LISTENER_WAIT = Duration.ofSeconds(60);

  private final MeshConfig mesh;
  private volatile String healthHost = "127.0.0.1";
  private volatile String serviceName = "this service";

  public XdsServerFactory(MeshConfig mesh) {
    this.mesh = mesh;
  }

  @Override
  public ServerBuilder<?> newServerBuilder(String serviceName, GrpcConfig grpc) {
    healthHost = grpc.host();
    this.serviceName = serviceName;
    int port = grpc.port() != 0 ? grpc.port() : freePort();
    return XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()));
  }

  /** With the mesh policy's refusals explained (who may not call what), outside the RBAC filter. */
  @Override
  public Server build(ServerBuilder<?> builder) {
    return PolicyDenials.buildWith((XdsServerBuilder) builder, serviceName);
  }

  /** Starts {@code server}, failing with a clear message if the control plane sends no listener in time. */
  @Override
  public Server start(Server server) throws IOException {
    CompletableFuture<Server> started = CompletableFuture.supplyAsync(() -> {
      try {
        return server.start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      return started.get(LISTENER_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      server.shutdownNow();
      throw new IOException("no server listener from the control plane at " + mesh.controlPlane() + " within "
          + LISTENER_WAIT.toSeconds() + "s (is it running? is mesh.control-plane right?)", e);
    } catch (ExecutionException e) {
      throw new IOException("the xDS server did not start: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      throw new IOException("interrupted while waiting for the server listener", e);
    }
  }

  @Override
  public Optional<Server> startHealthServer(BindableService health) throws IOException {
    return Optional.of(NettyServerBuilder.forAddress(new InetSocketAddress(healthHost, mesh.healthPort()))
        .addService(health)
        .build()
        .start());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port: " + e.getMessage(), e);
    }
  }
}
