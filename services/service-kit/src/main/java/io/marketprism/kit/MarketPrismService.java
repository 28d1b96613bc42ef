package io.marketprism.kit;

import io.grpc.BindableService;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.kit.server.GrpcServerFactory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one class a service extends: its name, its config class, and its gRPC services.
 *
 * <pre>{@code
 * public final class DataStorageService extends MarketPrismService<StorageConfig> {
 *   public DataStorageService() { super("data-storage", StorageConfig.class); }
 *
 *   @Override
 *   protected List<BindableService> services(StorageConfig config, ServiceContext ctx) {
 *     var clickHouse = ctx.shutdown().register("clickhouse", ClickHouse.open(config.clickhouse()));
 *     return List.of(new StorageApi(clickHouse));
 *   }
 *
 *   public static void main(String[] args) { ServiceRunner.run(new DataStorageService(), args); }
 * }
 * }</pre>
 *
 * <p>Everything else (config loading, telemetry, the server with health, reflection and interceptors, registration,
 * graceful shutdown) is the kit's; see {@link ServiceKit}.
 *
 * @param <C> the service's config class
 */
public abstract class MarketPrismService<C extends ServiceConfig> {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private final String name;
  private final Class<C> configType;

  /**
   * @param name the service's name in kebab-case ({@code data-storage}): its log {@code service} field, its
   *     {@code service.name} in traces, its name in the registry and mesh
   * @param configType its config class, bound from YAML and the environment
   */
  protected MarketPrismService(String name, Class<C> configType) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("service name must be kebab-case, like data-storage: " + name);
    }
    this.name = name;
    this.configType = Objects.requireNonNull(configType, "configType");
  }

  public final String name() {
    return name;
  }

  public final Class<C> configType() {
    return configType;
  }

  /** The version reported at start-up and in traces: the jar's {@code Implementation-Version}, else {@code dev}. */
  public String version() {
    String version = getClass().getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * The gRPC services to serve, built from the loaded config. Open resources here and register them with
   * {@code ctx.shutdown()}. A service needing its own interceptors returns
   * {@code () -> ServerInterceptors.intercept(impl, interceptor)}.
   *
   * @throws Exception to abort start-up (the process exits with {@link ServiceRunner#EXIT_STARTUP_FAILED})
   */
  protected abstract List<BindableService> services(C config, ServiceContext ctx) throws Exception;

  /**
   * Called once the server is listening, before health reports {@code SERVING}: start background work that needs
   * the server up (subscriptions, schedulers). Default: nothing.
   *
   * @throws Exception to abort start-up
   */
  protected void onStarted(C config, ServiceContext ctx) throws Exception {}

  /**
   * How this service's gRPC server listens, when the service itself decides it (the control plane's mTLS port);
   * called after {@link #services}, and wins over the kit's choice. Register what it opens with {@code ctx.shutdown()}.
   * Default: empty (the kit's factory: plaintext, or the mesh's with {@code mesh.enabled}).
   *
   * @throws Exception to abort start-up
   */
  protected Optional<GrpcServerFactory> serverFactory(C config, ServiceContext ctx) throws Exception {
    return Optional.empty();
  }
}
