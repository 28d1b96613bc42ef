package io.marketprism.launcher;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * The local api-gateway's secrets in {@code <workspace>/gateway/}: {@code jwt-hs256.key} (256 random bits, base64url,
 * mode 0600), the key {@code marketprism token} signs with and the gateway verifies with, and {@code api-keys.json},
 * the API keys the gateway accepts (names, roles and SHA-256 hashes only; {@link ApiKeyFile}). Created once by {@code
 * up} (or the first {@code token}/{@code apikey}) and kept.
 */
final class GatewaySecrets {

  /** What the gateway's {@code security.jwt} checks, set by {@link #environment}. */
  static final String ISSUER = "marketprism-local";

  static final String AUDIENCE = "marketprism-gateway";

  static final Duration MAX_TTL = Duration.ofDays(30);

  private GatewaySecrets() {}

  static Path keyFile(Workspace workspace) {
    return workspace.gatewayDirectory().resolve("jwt-hs256.key");
  }

  static Path apiKeysFile(Workspace workspace) {
    return workspace.gatewayDirectory().resolve("api-keys.json");
  }

  /** Creates the key file and an empty API key file where missing. */
  static void ensure(Workspace workspace) throws IOException {
    Files.createDirectories(workspace.gatewayDirectory());
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    createPrivate(keyFile(workspace), Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\n");
    createPrivate(apiKeysFile(workspace), "{\"keys\":[]}\n");
  }

  /** The api-gateway's {@code security:} settings pointing at these files. */
  static Map<String, String> environment(Workspace workspace) {
    return Map.of(
        "MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE", keyFile(workspace).toString(),
        "MARKETPRISM_SECURITY_JWT_ISSUER", ISSUER,
        "MARKETPRISM_SECURITY_JWT_AUDIENCES", AUDIENCE,
        "MARKETPRISM_SECURITY_API_KEYS_FILE", apiKeysFile(workspace).toString());
  }

  /** An HS256 JWT for {@code subject} with {@code role}, valid from now for {@code ttl}. */
  static String mintToken(Workspace workspace, String subject, String role, Duration ttl, Clock clock)
      throws IOException {
    ensure(workspace);
    byte[] key = Base64.getUrlDecoder().decode(Files.readString(keyFile(workspace)).strip());
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .claim("role", role)
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(key));
    } catch (JOSEException e) {
      throw new LauncherException("cannot sign with " + keyFile(workspace) + ": " + e.getMessage());
    }
    return jwt.serialize();
  }

  /** Writes {@code text} to a new file only its owner can read; an existing file is left as it is. */
  static void createPrivate(Path file, String text) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException raced) {
      Files.deleteIfExists(temporary);
    }
  }
}
