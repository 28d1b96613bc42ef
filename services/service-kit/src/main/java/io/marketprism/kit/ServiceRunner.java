package io.marketprism.kit;

import io.marketprism.kit.config.ConfigException;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.observability.logging.LogSetup;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's {@code main}: {@code ServiceRunner.run(new DataStorageService(), args)}.
 *
 * <p>Arguments: {@code --config <path>} (or {@code --config=<path>}); without it {@code MARKETPRISM_CONFIG}; without
 * either, the config class's defaults. Environment overrides apply in every case (see
 * {@link io.marketprism.kit.config.ConfigLoader}).
 *
 * <p>The process is ready when {@code grpc.health.v1.Health/Check} with service {@code ""} answers {@code SERVING}.
 * SIGTERM or SIGINT stop it gracefully ({@link RunningService#stop()}).
 *
 * <p>Exit status: {@link #EXIT_INVALID_CONFIGURATION} (2) for a bad argument or configuration,
 * {@link #EXIT_STARTUP_FAILED} (1) when start-up fails otherwise (port in use, a resource cannot be opened); after a
 * signal, the JVM's usual status (143 for SIGTERM, 130 for SIGINT); 0 if the service stopped itself. In each
 * failure case one line explaining it goes to stderr, and the JSON log has the details.
 */
public final class ServiceRunner {

  /** Start-up failed for a reason other than configuration. */
  public static final int EXIT_STARTUP_FAILED = 1;

  /** An unknown argument, or a configuration that cannot be used. */
  public static final int EXIT_INVALID_CONFIGURATION = 2;

  /** The environment variable naming the config file when {@code --config} is not given. */
  public static final String CONFIG_VARIABLE = "MARKETPRISM_CONFIG";

  private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /** Starts {@code service}, blocks until it stops, and exits the JVM with a status that says how it went. */
  public static <C extends ServiceConfig> void run(MarketPrismService<C> service, String[] args) {
    RunningService running;
    try {
      running = start(service, args, System.getenv());
    } catch (ConfigException e) {
      // the message says all there is to say; a stack trace would only bury it
      fail(EXIT_INVALID_CONFIGURATION, service.name() + ": " + e.getMessage(), null);
      return;
    } catch (RuntimeException e) {
      fail(EXIT_STARTUP_FAILED, e.getMessage(), e);
      return;
    }
    AtomicBoolean signalled = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  signalled.set(true);
                  running.stop();
                },
                service.name() + "-shutdown"));
    try {
      running.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.stop();
    }
    // Stopped from inside the process rather than by a signal: exit, ending any threads the service left behind.
    // After a signal the JVM is already exiting; System.exit from here would block on the running hook forever.
    if (!signalled.get()) {
      System.exit(0);
    }
  }

  /**
   * Loads the configuration named by {@code args} or {@code environment} and starts {@code service}.
   *
   * @throws ConfigException for a bad argument or configuration
   * @throws StartupException when anything else stops the start
   */
  public static <C extends ServiceConfig> RunningService start(
      MarketPrismService<C> service, String[] args, Map<String, String> environment) {
    LogSetup.setServiceName(service.name());
    Path file = configFile(args, environment);
    C config = ConfigLoader.load(service.configType(), file, environment);
    return ServiceKit.builder(service, config).start();
  }

  /** The file from {@code --config}, else from {@code MARKETPRISM_CONFIG}, else none. */
  static Path configFile(String[] args, Map<String, String> environment) {
    String path = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config")) {
        if (i + 1 >= args.length) {
          throw new ConfigException("--config needs a file path");
        }
        path = args[++i];
      } else if (arg.startsWith("--config=")) {
        path = arg.substring("--config=".length());
      } else {
        throw new ConfigException("unknown argument " + arg + " (the only argument is --config <file>)");
      }
    }
    if (path == null) {
      path = environment.get(CONFIG_VARIABLE);
    }
    return path == null || path.isBlank() ? null : Path.of(path);
  }

  private static void fail(int status, String message, Exception cause) {
    log.error(message, cause);
    System.err.println(message);
    System.exit(status);
  }
}
