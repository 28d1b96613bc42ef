package io.marketprism.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The api-gateway's API key file, {@code {"keys":[{"name":..,"role":..,"sha256":..,"created":..}]}}: a key is
 * {@code mpk_} + 32 random bytes in hex, shown once when created; only its SHA-256 (hex of the UTF-8 bytes) is stored.
 * The gateway re-reads the file when it changes. Every change is written to a temporary file and moved into place.
 */
final class ApiKeyFile {

  /** A key as the file lists it. */
  record Entry(String name, String role, String created) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  ApiKeyFile(Path file) {
    this.file = file;
  }

  /** Adds a key for {@code name} and returns it; the name must be new. */
  String create(String name, String role, Instant now) throws IOException {
    ObjectNode root = read();
    for (var entry : root.withArray("keys")) {
      if (entry.path("name").asText().equals(name)) {
        throw new LauncherException("an API key named " + name + " exists; revoke it first");
      }
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String key = "mpk_" + HexFormat.of().formatHex(random);
    root.withArray("keys")
        .addObject()
        .put("name", name)
        .put("role", role)
        .put("sha256", sha256(key))
        .put("created", now.toString());
    write(root);
    return key;
  }

  /** Removes the key named {@code name}; false if there is none. */
  boolean revoke(String name) throws IOException {
    ObjectNode root = read();
    ArrayNode keys = root.withArray("keys");
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).path("name").asText().equals(name)) {
        keys.remove(i);
        write(root);
        return true;
      }
    }
    return false;
  }

  List<Entry> list() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (var entry : read().withArray("keys")) {
      entries.add(
          new Entry(entry.path("name").asText(), entry.path("role").asText(), entry.path("created").asText()));
    }
    return entries;
  }

  static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private ObjectNode read() throws IOException {
    if (!Files.exists(file)) {
      return JSON.createObjectNode();
    }
    if (!(JSON.readTree(file.toFile()) instanceof ObjectNode root)) {
      throw new LauncherException(file + " is not a JSON object");
    }
    return root;
  }

  private void write(ObjectNode root) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temporary, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
