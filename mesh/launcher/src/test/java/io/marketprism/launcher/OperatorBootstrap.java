package io.marketprism.launcher;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.kit.mesh.MeshBootstrap;
import java.nio.file.Path;
import java.util.Map;

/**
 * An operator's identity for every {@code xds:///} channel of this JVM, as a tool outside the mesh sets it: ADS
 * over mTLS to the control plane and mTLS to the services, both with a {@code pki issue} certificate. grpc-java
 * reads the bootstrap once per process, so a test class installs it once.
 */
final class OperatorBootstrap {

  private OperatorBootstrap() {}

  /**
   * @param controlPlane the control plane's {@code host:port}
   * @param certificateDirectory what {@code pki issue --out} wrote (cert.pem, key.pem, ca.pem)
   */
  static void install(String controlPlane, Path certificateDirectory) {
    ServiceConfig operator =
        io.marketprism.kit.config.ConfigLoader.load(
            ServiceConfig.class,
            null,
            Map.of(
                "MARKETPRISM_MESH_ENABLED", "true",
                "MARKETPRISM_MESH_CONTROL_PLANE", controlPlane,
                "MARKETPRISM_MESH_CONTROL_PLANE_TLS", "true",
                "MARKETPRISM_MESH_CERT_DIR", certificateDirectory.toString()));
    MeshBootstrap.install("operator-" + certificateDirectory.getFileName(), operator.mesh());
  }
}
