package io.marketprism.launcher;

import io.marketprism.controlplane.pki.CertificateRotator;
import io.marketprism.controlplane.pki.HostNames;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.xds.LoopbackXdsBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh certificates of one run: the workspace's CA ({@code pki/ca}, created on first use and
 * kept, so that operator certificates from {@code marketprism pki issue} stay valid across runs)
 * and a short-lived workload certificate per mesh service, identity {@code
 * spiffe://marketprism/service/<name>}, in {@code certs/<service>/}. Each is rewritten at two
 * thirds of its lifetime; the services' gRPC {@code file_watcher} providers pick the new files up
 * within a second, so rotation needs no restart and fails no call.
 *
 * <p>Thread-safe: each rotator runs on its own thread; the map is fixed after {@link #issue}.
 */
final class MeshCertificates implements AutoCloseable {

  /** The CA outlives any run; workload certificates are what rotates. */
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** The local xDS clients' identity, {@code spiffe://marketprism/operator/xds-client}. */
  static final String XDS_CLIENT = "xds-client";

  private final Map<String, CertificateRotator> rotators;
  private final List<CertificateRotator> xdsClient;

  private MeshCertificates(Map<String, CertificateRotator> rotators, List<CertificateRotator> xdsClient) {
    this.rotators = rotators;
    this.xdsClient = xdsClient;
  }

  /** No certificates: the run without the mesh. */
  static MeshCertificates none() {
    return new MeshCertificates(Map.of(), List.of());
  }

  /**
   * As {@link #issue(Workspace, Collection, Duration)}, and an operator certificate for local xDS
   * clients ({@link Workspace#xdsClientCertificateDirectory()}) with their bootstrap ({@link
   * Workspace#xdsClientBootstrap()}): ADS in plaintext on the control plane's loopback port {@code
   * plaintextAdsPort}, mTLS to the services with that certificate.
   */
  static MeshCertificates issueWithXdsClient(
      Workspace workspace, Collection<String> services, Duration lifetime, int plaintextAdsPort)
      throws IOException {
    MeshCertificates certificates = issue(workspace, services, lifetime);
    try {
      MeshCa ca = MeshCa.loadOrCreate(workspace.caDirectory(), CA_VALIDITY, Clock.systemUTC());
      CertificateRotator client =
          CertificateRotator.startOperator(
              ca, XDS_CLIENT, workspace.xdsClientCertificateDirectory(), lifetime, Clock.systemUTC());
      Path bootstrap = workspace.xdsClientBootstrap();
      Files.createDirectories(bootstrap.getParent());
      Files.writeString(
          bootstrap,
          LoopbackXdsBootstrap.json(plaintextAdsPort, workspace.xdsClientCertificateDirectory()));
      return new MeshCertificates(certificates.rotators, List.of(client));
    } catch (IOException | RuntimeException e) {
      certificates.close();
      throw e;
    }
  }

  /**
   * Loads (or creates) the workspace's CA and writes every service's certificate files now, so they
   * exist before the service starts; then keeps rotating them until {@link #close()}.
   */
  static MeshCertificates issue(Workspace workspace, Collection<String> services, Duration lifetime)
      throws IOException {
    Clock clock = Clock.systemUTC();
    MeshCa ca = MeshCa.loadOrCreate(workspace.caDirectory(), CA_VALIDITY, clock);
    Map<String, CertificateRotator> rotators = new LinkedHashMap<>();
    try {
      for (String service : services) {
        rotators.put(
            service,
            // loopback names besides the SPIFFE id: local tools (buf curl --cacert) verify the server by host
            // name; xDS peers and RBAC go by the SPIFFE id only
            CertificateRotator.start(
                ca, service, workspace.certificateDirectory(service), lifetime, HostNames.LOOPBACK, clock));
      }
    } catch (IOException | RuntimeException e) {
      rotators.values().forEach(CertificateRotator::close);
      throw e;
    }
    return new MeshCertificates(rotators, List.of());
  }

  /** The services that hold a certificate, in the order they were issued. */
  List<String> services() {
    return new ArrayList<>(rotators.keySet());
  }

  /** How many times {@code service}'s certificate was replaced since it was first written. */
  int rotations(String service) {
    CertificateRotator rotator = rotators.get(service);
    if (rotator == null) {
      throw new IllegalArgumentException("no mesh certificate for " + service);
    }
    return rotator.rotations();
  }

  /**
   * Stops rotating; the files stay (a service still running keeps using them until they expire).
   */
  @Override
  public void close() {
    rotators.values().forEach(CertificateRotator::close);
    xdsClient.forEach(CertificateRotator::close);
  }
}
