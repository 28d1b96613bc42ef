package io.marketprism.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys the gateway accepts, from a JSON file that stores only their SHA-256:
 * {@code {"keys":[{"name":"ci","role":"reader","sha256":"<hex>"}]}}. The launcher's {@code apikey} command writes it.
 *
 * <p>The file is looked at again (modification time and size) at most once per {@code reloadCheckInterval} and re-read
 * when it changed, so a revoked key stops working without a restart. A file that cannot be read or parsed keeps the
 * previous keys and is logged. Thread-safe: lookups read an immutable map swapped under the lock.
 */
public final class ApiKeyStore {

  /** Every API key starts with this, so a Bearer value can be told apart from a JWT. */
  public static final String PREFIX = "mpk_";

  private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Duration checkInterval;
  private final Clock clock;
  private final Object lock = new Object();
  private volatile Map<String, Caller> byHash = Map.of();
  private volatile Instant nextCheck = Instant.MIN;
  private Object stamp; // guarded by lock: the file's modification time, size and inode when last read

  public ApiKeyStore(Path file, Duration checkInterval, Clock clock) {
    this.file = Objects.requireNonNull(file, "file");
    this.checkInterval = checkInterval;
    this.clock = clock;
    reloadIfChanged();
  }

  /** The caller {@code key} belongs to. */
  public Caller authenticate(String key) throws AuthenticationException {
    if (!clock.instant().isBefore(nextCheck)) {
      reloadIfChanged();
    }
    Caller caller = byHash.get(sha256(key));
    if (caller == null) {
      throw new AuthenticationException("invalid API key: unknown or revoked");
    }
    return caller;
  }

  /** The lowercase hex SHA-256 of the key's UTF-8 bytes: what the file stores. */
  public static String sha256(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private void reloadIfChanged() {
    synchronized (lock) {
      nextCheck = clock.instant().plus(checkInterval);
      Object now;
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        // the inode too: the launcher replaces the file by a rename, which a same-size rewrite within the
        // timestamp granularity would otherwise hide
        now = attributes.lastModifiedTime() + "/" + attributes.size() + "/" + attributes.fileKey();
      } catch (NoSuchFileException e) {
        now = "absent";
      } catch (IOException e) {
        log.warn("cannot look at the API key file {}; keeping {} keys", file, byHash.size(), e);
        return;
      }
      if (now.equals(stamp)) {
        return;
      }
      try {
        byHash = now.equals("absent") ? Map.of() : parse(Files.readString(file));
        stamp = now;
        log.info("API keys loaded from {}: {}", file, byHash.size());
      } catch (IOException | IllegalArgumentException e) {
        log.warn("cannot read the API key file {}; keeping {} keys", file, byHash.size(), e);
      }
    }
  }

  private static Map<String, Caller> parse(String text) throws IOException {
    Map<String, Caller> keys = new HashMap<>();
    JsonNode entries = JSON.readTree(text).path("keys");
    for (JsonNode entry : entries) {
      String name = entry.path("name").asText("");
      String role = entry.path("role").asText("");
      String hash = entry.path("sha256").asText("").toLowerCase(Locale.ROOT);
      if (name.isBlank() || hash.length() != 64) {
        throw new IllegalArgumentException("an entry needs a name and a 64-digit sha256: " + entry);
      }
      keys.put(hash, new Caller(name, Role.valueOf(role.toUpperCase(Locale.ROOT)), "api-key"));
    }
    return Map.copyOf(keys);
  }
}
