package io.marketprism.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The local config center's secret key in {@code <workspace>/config-center/secret-keys} (mode 0600): one line
 * {@code local-1=<base64 of 256 random bits>}, the AES-GCM key secret values are sealed with at rest. Created once by
 * {@code up} and kept, since values sealed with it are unreadable without it. Rotate by adding a line with a new id
 * (the last line is the key new secrets are sealed with).
 */
final class ConfigCenterSecrets {

  private ConfigCenterSecrets() {}

  static Path keysFile(Workspace workspace) {
    return workspace.configCenterDirectory().resolve("secret-keys");
  }

  /** Creates the key file where missing. */
  static void ensure(Workspace workspace) throws IOException {
    Files.createDirectories(workspace.configCenterDirectory());
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    GatewaySecrets.createPrivate(keysFile(workspace), "local-1=" + Base64.getEncoder().encodeToString(key) + "\n");
  }

  /** The config center's {@code secrets.keys-file} pointing at the key file. */
  static Map<String, String> environment(Workspace workspace) {
    return Map.of("MARKETPRISM_SECRETS_KEYS_FILE", keysFile(workspace).toString());
  }
}
