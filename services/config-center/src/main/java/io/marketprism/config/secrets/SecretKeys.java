package io.marketprism.config.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the secret keys from configuration: entries {@code <id>=<base64 of 32 bytes>}, from the {@code secrets.keys}
 * list (e.g. the environment variable {@code MARKETPRISM_SECRETS_KEYS}, comma-separated) and from the lines of
 * {@code secrets.keys-file} (blank lines and {@code #} comments skipped). The active key is {@code secrets.active-key},
 * else the last one listed (the file's after the list's).
 */
public final class SecretKeys {

  private SecretKeys() {}

  /** The cipher, or empty when no key is configured (secrets are then refused). */
  public static Optional<SecretCipher> load(List<String> entries, String keysFile, String activeKey) throws IOException {
    List<String> all = new ArrayList<>();
    // an empty MARKETPRISM_SECRETS_KEYS reads as one blank entry: no key
    entries.stream().map(String::strip).filter(e -> !e.isEmpty()).forEach(all::add);
    if (!keysFile.isBlank()) {
      for (String line : Files.readAllLines(Path.of(keysFile), StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          all.add(trimmed);
        }
      }
    }
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String last = null;
    for (String entry : all) {
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("secret key entries are <id>=<base64 key>; one has no id");
      }
      last = entry.substring(0, equals).strip();
      try {
        keys.put(last, Base64.getDecoder().decode(entry.substring(equals + 1).strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("secret key " + last + " is not base64", e);
      }
    }
    return Optional.of(SecretCipher.of(keys, activeKey.isBlank() ? last : activeKey));
  }
}
