package io.marketprism.kit.runtime;

import io.grpc.Channel;
import io.marketprism.client.config.ConfigChange;
import io.marketprism.client.config.ConfigClient;
import io.marketprism.config.v1.InstanceLabels;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.RuntimeConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings a service changes without a restart, kept in its namespace of the config center ({@code runtime-config}).
 *
 * <p>A service binds a key to a type and a setter: {@code settings.bind("ingest", IngestLimits.class, limits::set)}.
 * The value (YAML, JSON or a bare scalar) is bound and validated with the same rules as the config file
 * ({@link ConfigLoader#parseValue}); the setter receives it when the binding is made (if the key has a value) and on
 * every change, and receives {@link Optional#empty()} when the key is absent or deleted: then the service goes back to
 * its file's value. A value that does not bind or validate, or that the setter refuses with an exception, is logged
 * with the reason, counted ({@code marketprism_runtime_settings_rejected_total}) and leaves the setting as it was:
 * a bad edit in the config center never takes a service down.
 *
 * <p>One {@link ConfigClient} (one watch for the whole namespace, a snapshot file to start from while the config
 * center is unreachable, reconnects with backoff) carries every binding. Setters run on the client's thread, one
 * change at a time. Thread-safe.
 */
public final class RuntimeSettings implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuntimeSettings.class);

  private final String namespace;
  private final Optional<ConfigClient> client;
  private final Counter applied;
  private final Counter rejected;

  private RuntimeSettings(String namespace, Optional<ConfigClient> client, PrometheusRegistry metrics) {
    this.namespace = namespace;
    this.client = client;
    this.applied =
        Counter.builder()
            .name("marketprism_runtime_settings_applied_total")
            .help("Run-time settings from the config center applied, by key")
            .labelNames("key")
            .register(metrics);
    this.rejected =
        Counter.builder()
            .name("marketprism_runtime_settings_rejected_total")
            .help("Run-time settings from the config center refused (did not bind, validate or apply), by key")
            .labelNames("key")
            .register(metrics);
  }

  /** Settings that never change: {@code runtime-config.enabled} is off. */
  public static RuntimeSettings disabled(String serviceName, PrometheusRegistry metrics) {
    return new RuntimeSettings(serviceName, Optional.empty(), metrics);
  }

  /**
   * Opens the watch on {@code config}'s namespace over {@code channel} (a channel to the config center without a
   * default deadline) and waits up to {@code startup-wait} for the first values (the snapshot file's or the config
   * center's); if none come in time the service starts with its file's values and the bindings catch up later.
   */
  public static RuntimeSettings start(
      RuntimeConfig config, InstanceLabels instance, Channel channel, PrometheusRegistry metrics)
      throws InterruptedException {
    String namespace = config.namespaceOr(instance.getService());
    ConfigClient.Builder builder =
        ConfigClient.builder(channel, config.environment(), namespace).instance(instance);
    if (!config.snapshotFile().isEmpty()) {
      builder.snapshotFile(Path.of(config.snapshotFile()));
    }
    ConfigClient client = builder.start();
    RuntimeSettings settings = new RuntimeSettings(namespace, Optional.of(client), metrics);
    if (!client.awaitReady(config.startupWait())) {
      log.warn(
          "config {}/{}: no values within {} ms; starting with the file's settings, run-time ones follow when the"
              + " config center answers",
          config.environment(), namespace, config.startupWait().toMillis());
    }
    return settings;
  }

  /** Binds {@code key} to {@code type}; see the class comment for when {@code setter} is called. */
  public <T> void bind(String key, Class<T> type, Consumer<Optional<T>> setter) {
    bind(key, text -> ConfigLoader.parseValue(key, type, text, origin(key)), setter);
  }

  /** Binds {@code key} to a list of {@code element}s (each validated). */
  public <E> void bindList(String key, Class<E> element, Consumer<Optional<List<E>>> setter) {
    bind(key, text -> ConfigLoader.parseList(key, element, text, origin(key)), setter);
  }

  private <T> void bind(String key, Function<String, T> parse, Consumer<Optional<T>> setter) {
    if (client.isEmpty()) {
      return;
    }
    Binding<T> binding = new Binding<>(key, parse, setter);
    client.get().addListener(binding::changed);
    binding.set(client.get().get(key), client.get().version());
  }

  private String origin(String key) {
    return "config center " + namespace + "/" + key;
  }

  @Override
  public void close() {
    client.ifPresent(ConfigClient::close);
  }

  /** One key's setter and the text it last applied, so a repeated value is not applied twice. */
  private final class Binding<T> {
    private final String key;
    private final Function<String, T> parse;
    private final Consumer<Optional<T>> setter;
    private Optional<String> lastApplied = Optional.empty();

    Binding(String key, Function<String, T> parse, Consumer<Optional<T>> setter) {
      this.key = key;
      this.parse = parse;
      this.setter = setter;
    }

    void changed(ConfigChange change) {
      if (change.key().equals(key)) {
        set(change.newValue(), change.version());
      }
    }

    synchronized void set(Optional<String> text, long version) {
      if (Objects.equals(text, lastApplied)) {
        return;
      }
      try {
        Optional<T> value = text.map(parse);
        setter.accept(value);
        lastApplied = text;
        applied.labelValues(key).inc();
        log.atInfo()
            .addKeyValue("setting", key)
            .addKeyValue("config_version", version)
            .log("run-time setting {}/{} {} (config version {})", namespace, key,
                text.isPresent() ? "applied" : "removed: back to the file's value", version);
      } catch (RuntimeException e) { // a ConfigException from binding, or the setter refusing the value
        rejected.labelValues(key).inc();
        log.atWarn()
            .addKeyValue("setting", key)
            .addKeyValue("config_version", version)
            .log("run-time setting {}/{} refused (config version {}), keeping the current one: {}", namespace, key,
                version, e.getMessage());
      }
    }
  }
}
