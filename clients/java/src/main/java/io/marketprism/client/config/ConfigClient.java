package io.marketprism.client.config;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.EventType;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.InstanceLabels;
import io.marketprism.config.v1.ListResponse;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.config.v1.WatchResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's view of one namespace of the config center, kept current by one Watch per client (not one per key):
 * typed getters with defaults read an in-memory copy (Caffeine), listeners hear of every change, and an optional
 * snapshot file lets a service start with its last known configuration while the config center is unreachable; once
 * it is back the client resumes from the snapshot's version and catches up. Lost watches reconnect with exponential
 * backoff.
 *
 * <pre>{@code
 * ConfigClient config = ConfigClient.builder(channel, "prod", "data-storage")
 *     .instance(InstanceLabels.newBuilder().setService("data-storage").setInstanceId(id).build())
 *     .snapshotFile(Path.of("/var/lib/data-storage/config.snapshot"))
 *     .start();
 * int batchSize = config.getInt("clickhouse.batch-size", 10_000);
 * config.addListener(change -> reload(change.key()));
 * }</pre>
 *
 * <p>Pass a channel without a default deadline: the watch is meant to stay open. Secrets are masked in watches; read
 * them with {@link #getSecret}. Thread-safe.
 */
public final class ConfigClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigClient.class);

  private final ConfigServiceGrpc.ConfigServiceStub stub;
  private final ConfigServiceGrpc.ConfigServiceBlockingStub blocking;
  private final String environment;
  private final String namespace;
  private final Optional<InstanceLabels> instance;
  private final Optional<SnapshotFile> snapshotFile;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final Cache<String, Entry> entries = Caffeine.newBuilder().build();
  private final List<Consumer<ConfigChange>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "config-client");
            thread.setDaemon(true);
            return thread;
          });

  private volatile long version;
  private volatile boolean live;
  private volatile boolean closed;
  private volatile Context.CancellableContext watch;
  private Duration backoff;

  private ConfigClient(Builder builder) {
    this.stub = ConfigServiceGrpc.newStub(builder.channel);
    this.blocking = ConfigServiceGrpc.newBlockingStub(builder.channel);
    this.environment = builder.environment;
    this.namespace = builder.namespace;
    this.instance = Optional.ofNullable(builder.instance);
    this.snapshotFile = Optional.ofNullable(builder.snapshotFile).map(SnapshotFile::new);
    this.backoffMin = builder.backoffMin;
    this.backoffMax = builder.backoffMax;
    this.backoff = backoffMin;
  }

  public static Builder builder(Channel channel, String environment, String namespace) {
    return new Builder(channel, environment, namespace);
  }

  /** Waits until the client has values: the snapshot file's, or the config center's first answer. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while the watch is open and caught up. */
  public boolean isLive() {
    return live;
  }

  /** The highest version received (or read from the snapshot file). */
  public long version() {
    return version;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(entries.getIfPresent(key)).map(Entry::getValue);
  }

  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    return parsed(key, Integer::parseInt, defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    return parsed(key, Long::parseLong, defaultValue);
  }

  public double getDouble(String key, double defaultValue) {
    return parsed(key, Double::parseDouble, defaultValue);
  }

  /** {@code true}/{@code false} (any case); anything else is the default. */
  public boolean getBoolean(String key, boolean defaultValue) {
    return get(key)
        .map(String::strip)
        .filter(v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"))
        .map(Boolean::parseBoolean)
        .orElse(defaultValue);
  }

  /** ISO-8601 ({@code PT10S}) or {@code 500ms}/{@code 10s}/{@code 1m}/{@code 1h}/{@code 2d}. */
  public Duration getDuration(String key, Duration defaultValue) {
    return parsed(key, ConfigClient::duration, defaultValue);
  }

  /** The values of the keys that are present, in the order asked. */
  public Map<String, String> getAll(Collection<String> keys) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : keys) {
      get(key).ifPresent(value -> values.put(key, value));
    }
    return values;
  }

  /** A secret's value, from the config center (watches mask secrets); empty if absent or not readable by us. */
  public Optional<String> getSecret(String key) {
    Entry entry =
        blocking
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .get(GetRequest.newBuilder().setEnvironment(environment).setNamespace(namespace).setKey(key).build())
            .getEntry();
    return entry.getValueMasked() ? Optional.empty() : Optional.of(entry.getValue());
  }

  /** Called on the client's thread for every key whose value changes, in version order. */
  public void addListener(Consumer<ConfigChange> listener) {
    listeners.add(listener);
  }

  private ConfigClient start() {
    snapshotFile.ifPresent(this::loadSnapshot);
    scheduler.execute(this::connect);
    return this;
  }

  private void loadSnapshot(SnapshotFile file) {
    try {
      Optional<ListResponse> snapshot = file.read();
      if (snapshot.isPresent()) {
        snapshot.get().getEntriesList().forEach(entry -> entries.put(entry.getKey(), entry));
        version = snapshot.get().getRevision();
        ready.countDown();
        log.info("config {}/{}: started from the snapshot file at version {}", environment, namespace, version);
      }
    } catch (IOException e) {
      log.warn("config {}/{}: snapshot file unreadable, starting without it: {}", environment, namespace, e.toString());
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    WatchRequest.Builder request =
        WatchRequest.newBuilder().setEnvironment(environment).setNamespace(namespace).setStartVersion(version);
    instance.ifPresent(request::setInstance);
    Context.CancellableContext context = Context.current().withCancellation();
    watch = context;
    context.run(() -> stub.watch(request.build(), new Stream(version == 0)));
  }

  /** One Watch call; gRPC serializes its callbacks. */
  private final class Stream implements StreamObserver<WatchResponse> {
    private final boolean snapshot;
    private final Map<String, Entry> snapshotEntries = new HashMap<>();

    Stream(boolean snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public void onNext(WatchResponse response) {
      for (WatchEvent event : response.getEventsList()) {
        if (snapshot && !live) {
          snapshotEntries.put(event.getEntry().getKey(), event.getEntry());
        } else {
          apply(event.getType() == EventType.EVENT_TYPE_DELETE, event.getEntry());
        }
      }
      if (response.getSnapshotComplete() && !live) {
        if (snapshot) {
          replaceWith(snapshotEntries);
        }
        live = true;
        backoff = backoffMin;
        ready.countDown();
      }
      saveSnapshot();
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      if (status.getCode() == Status.Code.OUT_OF_RANGE) {
        // changes after our version are gone at the source: take a fresh snapshot and diff it against ours
        version = 0;
      }
      reconnectLater(status.getCode() + ": " + status.getDescription());
    }

    @Override
    public void onCompleted() {
      reconnectLater("the config center ended the watch");
    }
  }

  private void apply(boolean deleted, Entry entry) {
    Entry old = entries.getIfPresent(entry.getKey());
    if (deleted) {
      entries.invalidate(entry.getKey());
    } else {
      entries.put(entry.getKey(), entry);
    }
    version = Math.max(version, entry.getVersion());
    notifyIfChanged(entry.getKey(), old, deleted ? null : entry, entry.getVersion());
  }

  private void replaceWith(Map<String, Entry> snapshot) {
    for (String key : List.copyOf(entries.asMap().keySet())) {
      if (!snapshot.containsKey(key)) {
        Entry old = entries.getIfPresent(key);
        entries.invalidate(key);
        notifyIfChanged(key, old, null, version);
      }
    }
    for (Entry entry : snapshot.values()) {
      apply(false, entry);
    }
  }

  private void notifyIfChanged(String key, Entry old, Entry now, long changeVersion) {
    Optional<String> before = Optional.ofNullable(old).map(Entry::getValue);
    Optional<String> after = Optional.ofNullable(now).map(Entry::getValue);
    if (before.equals(after)) {
      return;
    }
    ConfigChange change = new ConfigChange(key, before, after, changeVersion);
    for (Consumer<ConfigChange> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        log.warn("config listener failed on {}: {}", key, e.toString());
      }
    }
  }

  private void saveSnapshot() {
    snapshotFile.ifPresent(
        file -> {
          try {
            file.write(entries.asMap().values(), version);
          } catch (IOException e) {
            log.warn("config {}/{}: snapshot file not written: {}", environment, namespace, e.toString());
          }
        });
  }

  private void reconnectLater(String why) {
    live = false;
    if (closed) {
      return;
    }
    Duration wait = backoff;
    backoff = backoff.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : backoff.multipliedBy(2);
    log.info("config {}/{}: watch lost ({}); again in {} ms", environment, namespace, why, wait.toMillis());
    scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T parsed(String key, Function<String, T> parse, T defaultValue) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return parse.apply(value.get().strip());
    } catch (RuntimeException unparsable) {
      log.warn("config {}/{}: {} = \"{}\" is not of the type asked; using the default", environment, namespace, key,
          value.get());
      return defaultValue;
    }
  }

  private static Duration duration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      return Duration.parse(text);
    }
    int unit = 0;
    while (unit < text.length() && Character.isDigit(text.charAt(unit))) {
      unit++;
    }
    long amount = Long.parseLong(text.substring(0, unit));
    return switch (text.substring(unit)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unknown unit in " + text);
    };
  }

  @Override
  public void close() {
    closed = true;
    Context.CancellableContext current = watch;
    if (current != null) {
      current.cancel(null);
    }
    scheduler.shutdownNow();
  }

  /** Settings of a {@link ConfigClient}. */
  public static final class Builder {
    private final Channel channel;
    private final String environment;
    private final String namespace;
    private InstanceLabels instance;
    private Path snapshotFile;
    private Duration backoffMin = Duration.ofMillis(200);
    private Duration backoffMax = Duration.ofSeconds(30);

    private Builder(Channel channel, String environment, String namespace) {
      this.channel = Objects.requireNonNull(channel, "channel");
      this.environment = Objects.requireNonNull(environment, "environment");
      this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** Who this instance is, so that gray releases meant for it reach it. */
    public Builder instance(InstanceLabels labels) {
      this.instance = labels;
      return this;
    }

    /** Where to keep the last known values, to start from when the config center is unreachable. */
    public Builder snapshotFile(Path file) {
      this.snapshotFile = file;
      return this;
    }

    /** The wait before reconnecting a lost watch: from {@code min}, doubling up to {@code max}. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /** Reads the snapshot file (if any) and opens the watch in the background. */
    public ConfigClient start() {
      return new ConfigClient(this).start();
    }
  }
}
