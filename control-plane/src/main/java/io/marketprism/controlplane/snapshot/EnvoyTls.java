package io.marketprism.controlplane.snapshot;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.marketprism.controlplane.pki.PemFiles;
import java.util.List;

/**
 * Envoy's side of the mesh identity. Envoy has no gRPC {@code file_watcher} certificate provider, so its TLS contexts
 * name two SDS secrets served over ADS: {@value #IDENTITY_SECRET} (the workload certificate and key) and
 * {@value #TRUST_SECRET} (the mesh CA). The secrets carry file names, never key material: the files are the ones the
 * certificate rotator writes ({@link PemFiles}), and {@code watched_directory} makes Envoy reload them when the
 * rotator renames new ones into place — rotation needs no restart, as with proxyless gRPC. Stateless.
 */
final class EnvoyTls {

  /** The SDS secret with the node's workload certificate ({@code spiffe://marketprism/service/<name>}). */
  static final String IDENTITY_SECRET = "mesh-identity";
  /** The SDS secret with the mesh CA, the only root a mesh peer is checked against. */
  static final String TRUST_SECRET = "mesh-trust";

  private EnvoyTls() {}

  static List<Secret> secrets(String certDir) {
    String dir = certDir.endsWith("/") ? certDir.substring(0, certDir.length() - 1) : certDir;
    WatchedDirectory watched = WatchedDirectory.newBuilder().setPath(dir).build();
    return List.of(
        Secret.newBuilder()
            .setName(IDENTITY_SECRET)
            .setTlsCertificate(TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setFilename(dir + "/" + PemFiles.CERTIFICATE))
                .setPrivateKey(DataSource.newBuilder().setFilename(dir + "/" + PemFiles.KEY))
                .setWatchedDirectory(watched))
            .build(),
        Secret.newBuilder()
            .setName(TRUST_SECRET)
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setFilename(dir + "/" + PemFiles.CA))
                .setWatchedDirectory(watched))
            .build());
  }

  /** A client's context towards {@code service}: its own identity, and the peer must be {@code service}. */
  static UpstreamTlsContext upstream(String service) {
    return UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(common(CertificateValidationContext.newBuilder()
            // without it any mesh certificate would pass for the service
            .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.URI)
                .setMatcher(StringMatcher.newBuilder().setExact(MeshNames.spiffeId(service))))
            .build()))
        .build();
  }

  /**
   * A server's context: its own identity; callers' certificates are checked against the mesh CA and, when
   * {@code requireClientCertificate} (STRICT), required. Which identities may call what is the RBAC filter's job.
   */
  static DownstreamTlsContext downstream(boolean requireClientCertificate) {
    return DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(common(CertificateValidationContext.getDefaultInstance()))
        .setRequireClientCertificate(BoolValue.of(requireClientCertificate))
        .build();
  }

  private static CommonTlsContext common(CertificateValidationContext peerChecks) {
    return CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(sds(IDENTITY_SECRET))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(peerChecks)
            .setValidationContextSdsSecretConfig(sds(TRUST_SECRET)))
        .addAlpnProtocols("h2")
        .build();
  }

  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ClientResources.ads()).build();
  }
}
