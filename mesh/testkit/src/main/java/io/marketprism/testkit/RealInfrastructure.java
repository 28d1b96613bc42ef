package io.marketprism.testkit;

import io.marketprism.supervisor.Binaries;
import io.marketprism.supervisor.ClickHouseServerProcess;
import io.marketprism.supervisor.FreePorts;
import io.marketprism.supervisor.NatsServerProcess;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Real {@code nats-server} and {@code clickhouse-server} processes for tests — never mocks.
 *
 * <p>Use it through {@link WithNats} / {@link WithClickHouse} (or
 * {@code @ExtendWith(RealInfrastructure.class)}) and ask for a {@link NatsServer} or {@link
 * ClickHouseServer} as a test/lifecycle method parameter or as a field (static or not):
 *
 * <pre>{@code
 * @WithNats
 * @WithClickHouse
 * class TradeIngestTest {
 *     @Test
 *     void storesPublishedTrades(NatsServer nats, ClickHouseServer clickHouse) throws Exception {
 *         try (Connection connection = Nats.connect(nats.url())) { ... }
 *         assertThat(clickHouse.query("SELECT count() FROM trades").strip()).isEqualTo("1");
 *     }
 * }
 * }</pre>
 *
 * <p>Each server starts lazily — only when a test class is annotated for it or asks for it — on
 * free ports in its own temporary directory, and at most once per JVM: every test class in the run
 * shares it. They are kept in JUnit's root store, so they stop (and their directories are deleted)
 * when the run ends; a shutdown hook does the same if the JVM is stopped early. If a server binary
 * is not installed, the test fails with the command that installs it (tests are never skipped for a
 * missing server).
 *
 * <p>Thread safety: the root store creates each server once even under parallel test execution.
 */
public final class RealInfrastructure
    implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealInfrastructure.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    if (AnnotationSupport.isAnnotated(testClass, WithNats.class)) {
      nats(context);
    }
    if (AnnotationSupport.isAnnotated(testClass, WithClickHouse.class)) {
      clickHouse(context);
    }
    injectFields(context, testClass, null);
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
    injectFields(context, testInstance.getClass(), testInstance);
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == NatsServer.class || type == ClickHouseServer.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return serverOfType(parameterContext.getParameter().getType(), extensionContext);
  }

  /** The JVM's shared NATS server, started now if it is not running yet. */
  public static NatsServer nats(ExtensionContext context) {
    return shared(context, NatsServer.class);
  }

  /** The JVM's shared ClickHouse server, started now if it is not running yet. */
  public static ClickHouseServer clickHouse(ExtensionContext context) {
    return shared(context, ClickHouseServer.class);
  }

  private static Object serverOfType(Class<?> type, ExtensionContext context) {
    return type == NatsServer.class ? nats(context) : clickHouse(context);
  }

  @SuppressWarnings("unchecked")
  private static <T> T shared(ExtensionContext context, Class<T> type) {
    ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
    LocalServer<T> server =
        store.getOrComputeIfAbsent(type, RealInfrastructure::startServer, LocalServer.class);
    return server.handle();
  }

  private static LocalServer<?> startServer(Class<?> type) {
    if (type == NatsServer.class) {
      return LocalServer.start(
          "marketprism-nats-",
          directory -> {
            List<Integer> ports = FreePorts.allocate(2);
            NatsServerProcess process =
                NatsServerProcess.builder(directory)
                    .binary(Binaries.require("nats-server"))
                    .port(ports.get(0))
                    .monitorPort(ports.get(1))
                    .maxFileStoreBytes(1L << 30)
                    .readyTimeout(Duration.ofSeconds(30))
                    .stopGrace(Duration.ofSeconds(5))
                    .build();
            return new LocalServer.Started<>(
                process, new NatsServer(process.port(), process.monitorPort()));
          });
    }
    return LocalServer.start(
        "marketprism-clickhouse-",
        directory -> {
          List<Integer> ports = FreePorts.allocate(2);
          ClickHouseServerProcess process =
              ClickHouseServerProcess.builder(directory)
                  .binary(Binaries.require("clickhouse-server"))
                  .httpPort(ports.get(0))
                  .tcpPort(ports.get(1))
                  .maxMemoryUsageBytes(1L << 30)
                  .readyTimeout(Duration.ofSeconds(60))
                  .stopGrace(Duration.ofSeconds(10))
                  .build();
          return new LocalServer.Started<>(
              process, new ClickHouseServer(process.httpPort(), process.tcpPort()));
        });
  }

  private static void injectFields(ExtensionContext context, Class<?> testClass, Object instance) {
    boolean statics = instance == null;
    List<Field> fields =
        ReflectionSupport.findFields(
            testClass,
            field ->
                (field.getType() == NatsServer.class || field.getType() == ClickHouseServer.class)
                    && Modifier.isStatic(field.getModifiers()) == statics
                    && !Modifier.isFinal(field.getModifiers()),
            HierarchyTraversalMode.TOP_DOWN);
    for (Field field : fields) {
      try {
        field.setAccessible(true);
        field.set(instance, serverOfType(field.getType(), context));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("could not set " + field + ": " + e.getMessage(), e);
      }
    }
  }
}
