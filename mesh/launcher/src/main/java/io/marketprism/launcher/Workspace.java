package io.marketprism.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a local MarketPrism keeps its files, by default {@code <repo>/.marketprism/}:
 *
 * <pre>
 * .marketprism/
 *   nats/          nats.conf and the JetStream store
 *   clickhouse/    config.xml, users.xml and the data
 *   logs/          &lt;component&gt;.log for nats, clickhouse, every service, and supervisor.log
 *   run/           supervisor.pid and state.json while MarketPrism runs
 *   pki/ca/        the mesh CA (ca.pem, ca-key.pem), created once and kept
 *   certs/&lt;service&gt;/ each mesh service's cert.pem, key.pem, ca.pem, rewritten before they expire
 *   gateway/       jwt-hs256.key (0600, the key `token` signs with) and api-keys.json (hashes only)
 *   config-center/ secret-keys (0600, the AES key the config center seals secret values with)
 * </pre>
 *
 * @param repository the repository root (service modules are found under it)
 * @param directory the workspace directory
 */
public record Workspace(Path repository, Path directory) {

  public Path natsDirectory() {
    return directory.resolve("nats");
  }

  public Path clickHouseDirectory() {
    return directory.resolve("clickhouse");
  }

  public Path logDirectory() {
    return directory.resolve("logs");
  }

  /** {@code logs/<component>.log}. */
  public Path logFile(String component) {
    return logDirectory().resolve(component + ".log");
  }

  public Path runDirectory() {
    return directory.resolve("run");
  }

  /** The mesh certificate authority: {@code ca.pem} and its key {@code ca-key.pem}. */
  public Path caDirectory() {
    return directory.resolve("pki").resolve("ca");
  }

  /** Where {@code service}'s workload certificate files are kept while it runs in the mesh. */
  public Path certificateDirectory(String service) {
    return directory.resolve("certs").resolve(service);
  }

  /** The api-gateway's local secrets: the HS256 key and the API key file ({@link GatewaySecrets}). */
  public Path gatewayDirectory() {
    return directory.resolve("gateway");
  }

  /** The config center's local secrets: the key file it seals secret values with ({@link ConfigCenterSecrets}). */
  public Path configCenterDirectory() {
    return directory.resolve("config-center");
  }

  /**
   * The certificate of the local xDS clients that join the mesh through the plaintext ADS port
   * (identity {@code spiffe://marketprism/operator/xds-client}), rotated like the services' own.
   */
  public Path xdsClientCertificateDirectory() {
    return directory.resolve("certs").resolve("xds-client");
  }

  /** The xDS bootstrap for those clients: {@code GRPC_XDS_BOOTSTRAP=<this file>}. */
  public Path xdsClientBootstrap() {
    return directory.resolve("xds").resolve("bootstrap-plaintext-ads.json");
  }

  /** The pid of the running supervisor (foreground {@code up} or the detached one). */
  public Path pidFile() {
    return runDirectory().resolve("supervisor.pid");
  }

  /** What the supervisor is doing and the pid of every process it started. */
  public Path stateFile() {
    return runDirectory().resolve("state.json");
  }

  /**
   * Finds the repository: {@code MARKETPRISM_ROOT} (set by the {@code ./marketprism} script), else
   * the nearest directory upwards from the current one that holds {@code mesh/launcher/pom.xml}.
   */
  public static Path findRepository() {
    String fromScript = System.getenv("MARKETPRISM_ROOT");
    if (fromScript != null && !fromScript.isBlank()) {
      return Path.of(fromScript).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mesh/launcher/pom.xml"))) {
        return dir;
      }
    }
    throw new LauncherException(
        "cannot find the MarketPrism repository from "
            + Path.of("").toAbsolutePath()
            + "; run ./marketprism from inside it or pass --root");
  }
}
