package io.marketprism.kit.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.marketprism.kit.config.MeshConfig;
import io.marketprism.kit.mesh.MeshTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A channel to the control plane's own port ({@code mesh.control-plane}, its first address): the control plane is not
 * itself an xDS-managed server, so it is dialled directly — with mTLS and the service's mesh identity when
 * {@code mesh.control-plane-tls}, accepting only the control plane's SPIFFE id. Shutting the channel down also stops
 * the watch on the certificate files.
 */
public final class ControlPlaneChannel extends ManagedChannel {

  /** The name services use for it: {@code ctx.channels().forService("control-plane")}. */
  public static final String SERVICE = "control-plane";

  private final ManagedChannel delegate;
  private final Optional<MeshTls> tls;

  private ControlPlaneChannel(ManagedChannel delegate, Optional<MeshTls> tls) {
    this.delegate = delegate;
    this.tls = tls;
  }

  public static ControlPlaneChannel open(MeshConfig mesh) {
    String target = mesh.controlPlane().split(",")[0].strip();
    if (!mesh.controlPlaneTls()) {
      return new ControlPlaneChannel(
          Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build(), Optional.empty());
    }
    try {
      MeshTls tls = MeshTls.watchingDirectory(Path.of(mesh.certDir()), Optional.of(MeshTls.CONTROL_PLANE_ID));
      return new ControlPlaneChannel(Grpc.newChannelBuilder(target, tls.channelCredentials()).build(), Optional.of(tls));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mesh certificate in " + mesh.certDir(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unusable mesh certificate in " + mesh.certDir() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return delegate.newCall(method, options);
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    tls.ifPresent(MeshTls::close);
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    tls.ifPresent(MeshTls::close);
    return this;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }
}
