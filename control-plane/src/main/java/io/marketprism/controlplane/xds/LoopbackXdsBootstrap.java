package io.marketprism.controlplane.xds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.marketprism.controlplane.snapshot.MeshNames;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The xDS bootstrap for clients on this host that reach the mesh through {@link LoopbackAdsServer}: ADS over
 * plaintext to {@code 127.0.0.1:<port>}, and {@code file_watcher} certificate providers on a client certificate, so
 * what they send to the services is mTLS as the policy asks. Any gRPC that reads {@code GRPC_XDS_BOOTSTRAP} takes it
 * (grpc-js-xds, C-core's Python); every client sharing the file shares one node id, which the control plane only uses
 * to pick the node group.
 */
public final class LoopbackXdsBootstrap {

  /** The node group (bootstrap {@code node.cluster}) of these clients. */
  public static final String CLUSTER = "xds-client";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LoopbackXdsBootstrap() {}

  /**
   * @param adsPort the loopback ADS port
   * @param certDir cert.pem, key.pem and ca.pem of the clients' identity (e.g. spiffe://marketprism/operator/NAME)
   */
  public static String json(int adsPort, Path certDir) {
    Path dir = certDir.toAbsolutePath();
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("certificate_file", dir.resolve("cert.pem").toString());
    files.put("private_key_file", dir.resolve("key.pem").toString());
    files.put("ca_certificate_file", dir.resolve("ca.pem").toString());
    files.put("refresh_interval", "1s");
    Map<String, Object> fileWatcher = Map.of("plugin_name", "file_watcher", "config", files);
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("xds_servers", List.of(Map.of(
        "server_uri", "127.0.0.1:" + adsPort,
        "channel_creds", List.of(Map.of("type", "insecure")),
        "server_features", List.of("xds_v3"))));
    bootstrap.put("node", Map.of("id", CLUSTER + "~local", "cluster", CLUSTER, "locality", Map.of("zone", "local")));
    bootstrap.put("certificate_providers",
        Map.of(MeshNames.CLIENT_CERT_PROVIDER, fileWatcher, MeshNames.SERVER_CERT_PROVIDER, fileWatcher));
    try {
      return JSON.writeValueAsString(bootstrap);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
