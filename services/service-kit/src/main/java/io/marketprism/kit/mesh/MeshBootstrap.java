package io.marketprism.kit.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.kit.config.MeshConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grpc-xds bootstrap of a mesh service: where the control plane is, who this node is ({@code node.cluster} =
 * the service name, which the control plane groups nodes by), the server listener name template, and — when the
 * service has a mesh certificate — the {@code file_watcher} certificate providers {@code server} and {@code client}
 * that the control plane's TLS contexts name. With {@code mesh.control-plane-tls} the ADS connection itself is mTLS
 * ({@code channel_creds} {@code tls} with the same files, served by {@link MeshTlsXdsCredentials}).
 *
 * <p>grpc-java reads the bootstrap once per process, from {@code GRPC_XDS_BOOTSTRAP} (a file), else the
 * {@code io.grpc.xds.bootstrap} system property (a file), else {@code io.grpc.xds.bootstrapConfig} (JSON).
 * {@link #install} sets the last, so an operator's bootstrap file always wins.
 */
public final class MeshBootstrap {

  public static final String CONFIG_PROPERTY = "io.grpc.xds.bootstrapConfig";
  public static final String SERVER_LISTENER_TEMPLATE = "grpc/server?xds.resource.listening_address=%s";

  private static final Logger log = LoggerFactory.getLogger(MeshBootstrap.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private MeshBootstrap() {}

  /** The bootstrap JSON for {@code service}. */
  public static String json(String service, MeshConfig mesh) {
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    List<Object> servers = new ArrayList<>();
    Map<String, Object> channelCreds = mesh.controlPlaneTls()
        ? Map.of("type", MeshTlsXdsCredentials.NAME, "config", certificateFiles(mesh))
        : Map.of("type", "insecure");
    for (String address : mesh.controlPlane().split(",")) {
      servers.add(Map.of(
          "server_uri", address.strip(),
          "channel_creds", List.of(channelCreds),
          "server_features", List.of("xds_v3")));
    }
    bootstrap.put("xds_servers", servers);
    bootstrap.put("node", Map.of(
        "id", service + "~" + UUID.randomUUID(),
        "cluster", service,
        "locality", Map.of("zone", mesh.zone())));
    bootstrap.put("server_listener_resource_name_template", SERVER_LISTENER_TEMPLATE);
    if (!mesh.certDir().isBlank()) {
      Map<String, Object> watcherConfig = new LinkedHashMap<>(certificateFiles(mesh));
      watcherConfig.put("refresh_interval", "1s");
      Map<String, Object> fileWatcher = Map.of("plugin_name", "file_watcher", "config", watcherConfig);
      bootstrap.put("certificate_providers", Map.of("server", fileWatcher, "client", fileWatcher));
    }
    try {
      return JSON.writeValueAsString(bootstrap);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code mesh.cert-dir}'s files under the keys both the file watcher and the {@code tls} channel creds read. */
  private static Map<String, Object> certificateFiles(MeshConfig mesh) {
    Path dir = Path.of(mesh.certDir()).toAbsolutePath();
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("certificate_file", dir.resolve("cert.pem").toString());
    files.put("private_key_file", dir.resolve("key.pem").toString());
    files.put("ca_certificate_file", dir.resolve("ca.pem").toString());
    return files;
  }

  /**
   * Fails, naming the file, when {@code mesh.cert-dir} is set but lacks one of the files the certificate providers
   * read, so that a service without its certificate stops at start-up rather than at its first handshake.
   */
  public static void requireCertificateFiles(MeshConfig mesh) throws IOException {
    if (mesh.certDir().isBlank()) {
      return;
    }
    Path dir = Path.of(mesh.certDir()).toAbsolutePath();
    for (String file : List.of("cert.pem", "key.pem", "ca.pem")) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new IOException("mesh.cert-dir " + dir + " has no readable " + file
            + " (the service's mesh certificate, key and CA; ./marketprism up writes them)");
      }
    }
  }

  /** Makes {@code service}'s bootstrap the process's, unless the operator gave one. Call before any xDS use. */
  public static synchronized void install(String service, MeshConfig mesh) {
    if (System.getenv("GRPC_XDS_BOOTSTRAP") != null || System.getProperty("io.grpc.xds.bootstrap") != null) {
      log.info("using the operator's xDS bootstrap file; mesh.control-plane and mesh.cert-dir are not applied");
      return;
    }
    System.setProperty(CONFIG_PROPERTY, json(service, mesh));
  }
}
