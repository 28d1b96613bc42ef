package io.marketprism.kit;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.marketprism.kit.client.ChannelFactory;
import io.marketprism.config.v1.InstanceLabels;
import io.marketprism.kit.client.Channels;
import io.marketprism.kit.config.RuntimeConfig;
import io.marketprism.kit.runtime.RuntimeSettings;
import io.marketprism.kit.client.PeerChannelFactory;
import io.marketprism.kit.client.XdsChannelFactory;
import io.marketprism.kit.mesh.MeshBootstrap;
import io.marketprism.kit.server.ControlPlaneRegistration;
import io.marketprism.kit.server.XdsServerFactory;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.kit.server.GrpcServerFactory;
import io.marketprism.kit.server.NettyServerFactory;
import io.marketprism.kit.server.RpcFailureLogger;
import io.marketprism.kit.server.ServiceInstance;
import io.marketprism.kit.server.ServiceRegistration;
import io.marketprism.observability.MetricsServer;
import io.marketprism.observability.Telemetry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a {@link MarketPrismService} with a loaded config. {@link ServiceRunner} uses it with the defaults; tests
 * and the mesh choose the seams:
 *
 * <pre>{@code
 * RunningService running = ServiceKit.builder(new DataStorageService(), config)
 *     .telemetry(telemetry)                       // default: Telemetry.fromEnvironment(name, version)
 *     .serverFactory(new NettyServerFactory())    // the mesh: an XdsServerBuilder-based factory
 *     .registration(ServiceRegistration.none())   // the mesh: the control plane's registry
 *     .channelFactory(new PeerChannelFactory(config.peers()))  // the mesh: xds:///<service> channels
 *     .start();
 * }</pre>
 *
 * <p>With {@code mesh.enabled} the defaults are the mesh's: {@link XdsServerFactory} (plus a plaintext health port),
 * {@link ControlPlaneRegistration} and {@link XdsChannelFactory}, with the process's xDS bootstrap from
 * {@link MeshBootstrap}.
 *
 * <p>Start-up order: metrics endpoint → context → the service's {@code services()} → server (with health,
 * reflection v1 and v1alpha, tracing, metrics and failure-logging interceptors) → {@code onStarted()} → health
 * {@code SERVING} → registration. If any step fails, what was started is stopped again and a
 * {@link StartupException} is thrown.
 */
public final class ServiceKit<C extends ServiceConfig> {

  private static final Logger log = LoggerFactory.getLogger(ServiceKit.class);

  private final MarketPrismService<C> service;
  private final C config;
  private Telemetry telemetry;
  private GrpcServerFactory serverFactory = new NettyServerFactory();
  private ServiceRegistration registration = ServiceRegistration.none();
  private ChannelFactory channelFactory;

  private ServiceKit(MarketPrismService<C> service, C config) {
    this.service = Objects.requireNonNull(service, "service");
    this.config = Objects.requireNonNull(config, "config");
    if (config.mesh().enabled()) {
      this.serverFactory = new XdsServerFactory(config.mesh());
      this.registration = new ControlPlaneRegistration(config.mesh(), advertisedHost(config.grpc().host()));
      this.channelFactory = new XdsChannelFactory(config.mesh());
    } else {
      this.channelFactory = new PeerChannelFactory(config.peers());
    }
  }

  /** The address others dial: the bind address, or this host's when bound to every interface. */
  private static String advertisedHost(String bindHost) {
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      return bindHost;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  public static <C extends ServiceConfig> ServiceKit<C> builder(MarketPrismService<C> service, C config) {
    return new ServiceKit<>(service, config);
  }

  /** The telemetry to use; the running service closes it last on shutdown. */
  public ServiceKit<C> telemetry(Telemetry telemetry) {
    this.telemetry = telemetry;
    return this;
  }

  public ServiceKit<C> serverFactory(GrpcServerFactory serverFactory) {
    this.serverFactory = Objects.requireNonNull(serverFactory);
    return this;
  }

  public ServiceKit<C> registration(ServiceRegistration registration) {
    this.registration = Objects.requireNonNull(registration);
    return this;
  }

  public ServiceKit<C> channelFactory(ChannelFactory channelFactory) {
    this.channelFactory = Objects.requireNonNull(channelFactory);
    return this;
  }

  /**
   * Starts the service; returns once health reports {@code SERVING}.
   *
   * @throws StartupException if anything on the way fails (everything already started is stopped again)
   */
  public RunningService start() {
    String name = service.name();
    Telemetry telemetry = this.telemetry != null ? this.telemetry : Telemetry.fromEnvironment(name, service.version());
    ServiceHealth health = new ServiceHealth();
    ShutdownRegistry shutdown = new ShutdownRegistry();
    Optional<MetricsServer> metrics = Optional.empty();
    Server server = null;
    try {
      if (config.mesh().enabled()) {
        MeshBootstrap.requireCertificateFiles(config.mesh());
        MeshBootstrap.install(name, config.mesh());
      }
      if (config.metrics().enabled()) {
        metrics =
            Optional.of(MetricsServer.start(config.metrics().host(), config.metrics().port(), telemetry.metricsRegistry()));
      }
      Channels channels = shutdown.register("channels to other services", new Channels(channelFactory, telemetry.clientInterceptor()));
      RuntimeSettings runtimeSettings =
          shutdown.register("run-time settings", runtimeSettings(channels, telemetry));
      ServiceContext ctx = new ServiceContext(name, telemetry, health, channels, shutdown, runtimeSettings);

      List<BindableService> services = service.services(config, ctx);
      GrpcServerFactory factory = service.serverFactory(config, ctx).orElse(serverFactory);
      server = factory.start(buildServer(factory, services, health, telemetry));
      InetSocketAddress grpcAddress = boundAddress(server);
      Optional<InetSocketAddress> healthAddress = Optional.empty();
      Optional<Server> healthServer = factory.startHealthServer(health.service());
      if (healthServer.isPresent()) {
        Server started = healthServer.get();
        shutdown.register("plaintext health port", () -> started.shutdownNow());
        healthAddress = Optional.of(boundAddress(started));
      }

      service.onStarted(config, ctx);
      health.markServing(serviceNames(services));
      ServiceInstance instance =
          new ServiceInstance(name, service.version(), grpcAddress, metrics.map(MetricsServer::address), healthAddress);
      RunningService running =
          new RunningService(instance, config.grpc(), server, health, registration, shutdown, metrics, telemetry);
      registration.register(instance);
      log.atInfo()
          .addKeyValue("version", service.version())
          .addKeyValue("grpc_address", hostPort(grpcAddress))
          .addKeyValue("metrics_address", metrics.map(m -> hostPort(m.address())).orElse("off"))
          .log(
              "{} {} serving gRPC on {}, metrics {}",
              name,
              service.version(),
              hostPort(grpcAddress),
              metrics.map(MetricsServer::url).orElse("off"));
      return running;
    } catch (Exception e) {
      abandon(server, registration, shutdown, metrics, telemetry);
      throw new StartupException(name + " failed to start: " + e.getMessage(), e);
    }
  }

  /** The config center's watch for {@code runtime-config}, dialled as the peer {@code config-center}. */
  private RuntimeSettings runtimeSettings(Channels channels, Telemetry telemetry) throws InterruptedException {
    RuntimeConfig runtime = config.runtimeConfig();
    if (!runtime.enabled()) {
      return RuntimeSettings.disabled(service.name(), telemetry.metricsRegistry());
    }
    InstanceLabels instance =
        InstanceLabels.newBuilder()
            .setService(service.name())
            .setVersion(service.version())
            .setZone(config.mesh().zone())
            // the registry's instance id when it is known before binding (a fixed port); a gray release by
            // percentage hashes it
            .setInstanceId(config.mesh().instanceId().isBlank()
                ? (config.grpc().host() + "-" + config.grpc().port()).replace(':', '.')
                : config.mesh().instanceId())
            .build();
    return RuntimeSettings.start(runtime, instance, channels.forService("config-center"), telemetry.metricsRegistry());
  }

  private Server buildServer(
      GrpcServerFactory factory, List<BindableService> services, ServiceHealth health, Telemetry telemetry) {
    ServerBuilder<?> builder = factory.newServerBuilder(service.name(), config.grpc());
    services.forEach(builder::addService);
    builder.addService(health.service());
    builder.addService(ProtoReflectionServiceV1.newInstance());
    builder.addService(v1alphaReflection());
    // ServerBuilder runs the last-added interceptor first: failure logging innermost, tracing outermost.
    List<ServerInterceptor> outermostFirst = new ArrayList<>(telemetry.serverInterceptors());
    outermostFirst.add(new RpcFailureLogger());
    for (int i = outermostFirst.size() - 1; i >= 0; i--) {
      builder.intercept(outermostFirst.get(i));
    }
    builder.maxInboundMessageSize(config.grpc().maxInboundMessageSize());
    return factory.build(builder);
  }

  /** grpcurl and older tools still ask the v1alpha reflection service; it is deprecated, not gone. */
  @SuppressWarnings("deprecation")
  private static BindableService v1alphaReflection() {
    return ProtoReflectionService.newInstance();
  }

  private static List<String> serviceNames(List<BindableService> services) {
    return services.stream().map(s -> s.bindService().getServiceDescriptor().getName()).toList();
  }

  private static InetSocketAddress boundAddress(Server server) {
    for (SocketAddress address : server.getListenSockets()) {
      if (address instanceof InetSocketAddress inet) {
        return inet;
      }
    }
    throw new IllegalStateException("server listens on no TCP address: " + server.getListenSockets());
  }

  static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  private static void abandon(
      Server server,
      ServiceRegistration registration,
      ShutdownRegistry shutdown,
      Optional<MetricsServer> metrics,
      Telemetry telemetry) {
    if (server != null) {
      server.shutdownNow();
    }
    registration.deregister();
    shutdown.closeAll();
    metrics.ifPresent(MetricsServer::close);
    telemetry.close();
  }
}
