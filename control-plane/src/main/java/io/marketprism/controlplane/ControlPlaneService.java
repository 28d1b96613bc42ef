package io.marketprism.controlplane;

import io.grpc.BindableService;
import io.marketprism.controlplane.admin.AdminServer;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.xds.LoopbackAdsServer;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.mesh.MeshTls;
import io.marketprism.kit.server.GrpcServerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane service: registry (NATS key-value), health checks, mesh policy, snapshot building, ADS and CSDS
 * on its gRPC port, operator views on its admin HTTP port. Run several replicas on one NATS bucket for availability;
 * xDS nodes list every replica in their bootstrap and fail over.
 */
public final class ControlPlaneService extends MarketPrismService<ControlPlaneConfig> {

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneService.class);

  public ControlPlaneService() {
    super("control-plane", ControlPlaneConfig.class);
  }

  @Override
  protected List<BindableService> services(ControlPlaneConfig config, ServiceContext ctx) throws Exception {
    ControlPlane.Settings settings = new ControlPlane.Settings(
        config.nats().url(),
        config.registry().bucket(),
        config.nats().streams().replicas(),
        config.policy().file().isBlank() ? Optional.empty() : Optional.of(Path.of(config.policy().file())),
        config.policy().pollInterval(),
        new HealthCheckSettings(config.healthCheck().interval(), config.healthCheck().timeout(),
            config.healthCheck().healthyThreshold(), config.healthCheck().unhealthyThreshold()),
        config.registry().reapInterval(),
        Duration.ofMillis(20),
        Clock.systemUTC(),
        config.envoy().settings());
    ControlPlane controlPlane = ctx.shutdown().register("control plane", ControlPlane.start(settings));
    if (config.plaintextAds().enabled()) {
      LoopbackAdsServer ads = ctx.shutdown().register("plaintext ADS endpoint",
          LoopbackAdsServer.start(config.plaintextAds().port(), controlPlane.readOnlyAdsService()));
      log.info("read-only plaintext ADS on {}", ads.address());
    }
    ctx.shutdown().register("admin endpoint",
        AdminServer.start(config.admin().host(), config.admin().port(), controlPlane, ctx.health()));
    return controlPlane.grpcServices();
  }

  /** With {@code server-tls}, the gRPC port serves mTLS from the control plane's certificate directory. */
  @Override
  protected Optional<GrpcServerFactory> serverFactory(ControlPlaneConfig config, ServiceContext ctx) throws Exception {
    if (config.serverTls().certDir().isEmpty()) {
      return Optional.empty();
    }
    Path dir = config.serverTls().certDir().get();
    MeshTls tls;
    try {
      tls = MeshTls.watchingDirectory(dir, Optional.empty());
    } catch (IOException | GeneralSecurityException e) {
      throw new IOException("server-tls.cert-dir " + dir.toAbsolutePath()
          + " needs cert.pem, key.pem and ca.pem of the control plane's mesh identity: " + e.getMessage(), e);
    }
    ctx.shutdown().register("control-plane TLS files", tls);
    return Optional.of(new TlsServerFactory(tls, config.grpc().host(), config.serverTls().healthPort()));
  }
}
