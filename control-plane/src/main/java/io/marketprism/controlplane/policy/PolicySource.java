package io.marketprism.controlplane.policy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh policy in force, read from a file and re-read when its content changes. An invalid file is rejected
 * with a message naming the field ({@link #lastError()}), and the last good policy stays in force.
 *
 * <p>The file is polled (its bytes hashed) rather than watched with {@code WatchService}: editors and Kubernetes
 * ConfigMaps replace files by rename and symlink swaps, which directory watches report unreliably.
 *
 * <p>Thread-safe: {@code current} and {@code lastError} are volatile; reloads run on one thread.
 */
public final class PolicySource implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

  private final Optional<Path> file;
  private final PolicyReader reader = new PolicyReader();
  private final List<Consumer<MeshPolicy>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "policy-reload");
    t.setDaemon(true);
    return t;
  });
  private volatile MeshPolicy current = MeshPolicy.EMPTY;
  private volatile Optional<String> lastError = Optional.empty();
  private volatile Instant loadedAt = Instant.EPOCH;
  private byte[] lastDigest = new byte[0];

  private PolicySource(Optional<Path> file) {
    this.file = file;
  }

  /** A fixed policy (tests, or no file configured). */
  public static PolicySource fixed(MeshPolicy policy) {
    PolicySource source = new PolicySource(Optional.empty());
    source.current = policy;
    return source;
  }

  /**
   * Reads {@code file} now and then every {@code pollInterval}.
   *
   * @throws PolicyException if the file cannot be read or is invalid at start-up (there is no good policy to keep)
   */
  public static PolicySource watching(Path file, Duration pollInterval) throws PolicyException {
    PolicySource source = new PolicySource(Optional.of(file));
    if (!source.reload()) {
      throw new PolicyException("mesh policy " + file + ": " + source.lastError.orElse("unreadable"));
    }
    source.poller.scheduleWithFixedDelay(source::reload, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    return source;
  }

  public MeshPolicy current() {
    return current;
  }

  /** Why the newest file content was rejected; empty when the file in force is the newest. */
  public Optional<String> lastError() {
    return lastError;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  /** {@code listener} gets every new policy (on the reload thread). */
  public void onChange(Consumer<MeshPolicy> listener) {
    listeners.add(listener);
  }

  /** Re-reads the file if its content changed; returns false if it is unreadable or invalid. */
  synchronized boolean reload() {
    if (file.isEmpty()) {
      return true;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.get());
    } catch (NoSuchFileException e) {
      return fail("file not found");
    } catch (Exception e) {
      return fail("cannot read: " + e.getMessage());
    }
    byte[] digest = sha256(bytes);
    if (MessageDigest.isEqual(digest, lastDigest)) {
      return lastError.isEmpty();
    }
    lastDigest = digest;
    try {
      MeshPolicy policy = reader.read(new String(bytes, StandardCharsets.UTF_8));
      current = policy;
      lastError = Optional.empty();
      loadedAt = Instant.now();
      log.info("mesh policy {} loaded: {} service(s)", file.get(), policy.services().size());
      for (Consumer<MeshPolicy> listener : listeners) {
        listener.accept(policy);
      }
      return true;
    } catch (PolicyException e) {
      return fail(e.getMessage());
    }
  }

  private boolean fail(String reason) {
    lastError = Optional.of(reason);
    log.atError().addKeyValue("policy_file", file.map(Path::toString).orElse(""))
        .log("mesh policy {} rejected, keeping the last good policy: {}", file.map(Path::toString).orElse(""), reason);
    return false;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
