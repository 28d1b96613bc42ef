package io.marketprism.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code token} and {@code apikey}: what they print and what they leave in the workspace for the gateway. */
class GatewaySecretsCommandsTest {

  @TempDir Path directory;

  private Path workspace() {
    return directory.resolve("ws");
  }

  private CommandRun run(String... args) {
    return CommandRun.run(workspace(), directory.resolve("none.yaml"), args);
  }

  @Test
  void tokenIsAnHs256JwtSignedWithThePrivateWorkspaceKey() throws Exception {
    CommandRun run = run("token", "--role", "operator", "--ttl", "2h", "--subject", "alice");
    assertThat(run.exitCode()).as(run.err()).isZero();

    Path key = workspace().resolve("gateway/jwt-hs256.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    SignedJWT jwt = SignedJWT.parse(run.out().strip());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.verify(new MACVerifier(Base64.getUrlDecoder().decode(Files.readString(key).strip())))).isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getStringClaim("role")).isEqualTo("operator");
    assertThat(claims.getIssuer()).isEqualTo("marketprism-local");
    assertThat(claims.getAudience()).containsExactly("marketprism-gateway");
    assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
        .isEqualTo(Duration.ofHours(2));

    // the key is made once: a second token verifies with the same key
    String keyText = Files.readString(key);
    assertThat(run("token", "--role", "reader").exitCode()).isZero();
    assertThat(Files.readString(key)).isEqualTo(keyText);
  }

  @Test
  void tokenRefusesUnknownRolesAndLongLifetimes() {
    CommandRun badRole = run("token", "--role", "root");
    assertThat(badRole.exitCode()).isEqualTo(1);
    assertThat(badRole.err()).contains("--role must be reader, operator or admin, got root");
    CommandRun tooLong = run("token", "--role", "reader", "--ttl", "90d");
    assertThat(tooLong.exitCode()).isEqualTo(1);
    assertThat(tooLong.err()).contains("--ttl must be a duration from 1s to 30d");
  }

  @Test
  void apiKeysArePrintedOnceStoredHashedListedAndRevoked() throws Exception {
    CommandRun created = run("apikey", "create", "--name", "ci-bot", "--role", "reader");
    assertThat(created.exitCode()).as(created.err()).isZero();
    String key = created.out().strip();
    assertThat(key).matches("mpk_[0-9a-f]{64}");

    Path file = workspace().resolve("gateway/api-keys.json");
    String stored = Files.readString(file);
    assertThat(stored).doesNotContain(key).doesNotContain(key.substring(4));
    JsonNode entry = new ObjectMapper().readTree(stored).path("keys").get(0);
    assertThat(entry.path("name").asText()).isEqualTo("ci-bot");
    assertThat(entry.path("role").asText()).isEqualTo("reader");
    assertThat(entry.path("sha256").asText()).isEqualTo(ApiKeyFile.sha256(key));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    CommandRun duplicate = run("apikey", "create", "--name", "ci-bot", "--role", "admin");
    assertThat(duplicate.exitCode()).isEqualTo(1);
    assertThat(duplicate.err()).contains("an API key named ci-bot exists");

    CommandRun listed = run("apikey", "list");
    assertThat(listed.out()).contains("ci-bot").contains("reader").doesNotContain(key);

    assertThat(run("apikey", "revoke", "--name", "ci-bot").out()).contains("revoked ci-bot");
    assertThat(new ObjectMapper().readTree(Files.readString(file)).path("keys").size()).isZero();
    CommandRun again = run("apikey", "revoke", "--name", "ci-bot");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("no API key named ci-bot");
  }

  @Test
  void theGatewayProcessIsPointedAtTheWorkspaceSecrets() {
    Workspace ws = new Workspace(Path.of("/repo"), Path.of("/ws"));
    Map<String, String> env =
        MeshPlan.environment(
            ConfigLoader.defaults(),
            ws,
            ConfigLoader.defaults().enabledServices().stream()
                .filter(s -> s.name().equals("api-gateway"))
                .findFirst()
                .orElseThrow(),
            false);
    assertThat(env)
        .containsEntry("MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE", "/ws/gateway/jwt-hs256.key")
        .containsEntry("MARKETPRISM_SECURITY_JWT_ISSUER", "marketprism-local")
        .containsEntry("MARKETPRISM_SECURITY_JWT_AUDIENCES", "marketprism-gateway")
        .containsEntry("MARKETPRISM_SECURITY_API_KEYS_FILE", "/ws/gateway/api-keys.json");
    Map<String, String> storage =
        MeshPlan.environment(
            ConfigLoader.defaults(),
            ws,
            ConfigLoader.defaults().enabledServices().stream()
                .filter(s -> s.name().equals("data-storage"))
                .findFirst()
                .orElseThrow(),
            false);
    assertThat(storage).doesNotContainKey("MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE");
  }
}
