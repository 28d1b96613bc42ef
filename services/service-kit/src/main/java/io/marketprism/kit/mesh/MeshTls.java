package io.marketprism.kit.mesh;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mTLS credentials from a mesh identity's PEM files (certificate, key, mesh CA), for the control plane's own port and
 * its clients, which do not go through xDS. The files are re-read when {@code cert.pem} or {@code ca.pem} changes
 * (checked every second, as the {@code file_watcher} provider does; {@code PemFiles} writes the key before the
 * certificate, so a changed certificate has its key in place), and a rotated certificate is used without a restart.
 * grpc-java's own file watching in {@code AdvancedTlsX509KeyManager} is not used: it raises any period under one
 * minute to one minute, longer than a short test lifetime's last third.
 *
 * <p>The chain is verified against the mesh CA; host names are not checked (mesh certificates name a SPIFFE id, not
 * a host). A client may require the server's SPIFFE id ({@link #CONTROL_PLANE_ID} for the control plane).
 * Thread-safe; {@link #close()} stops watching the files.
 */
public final class MeshTls implements AutoCloseable {

  /** The control plane's mesh identity: what its clients require of its certificate. */
  public static final String CONTROL_PLANE_ID = "spiffe://marketprism/service/control-plane";

  private static final long REFRESH_SECONDS = 1;
  private static final int URI_SAN = 6;
  private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "mesh-tls-reload");
    t.setDaemon(true);
    return t;
  });

  private static final Logger log = LoggerFactory.getLogger(MeshTls.class);

  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trust;
  private final Path cert;
  private final Path key;
  private final Path ca;
  private final ScheduledFuture<?> watch;
  // touched only by the constructor, then by the reloader thread
  private FileTime loadedCert;
  private FileTime loadedCa;
  private String lastFailure = "";

  private MeshTls(Path cert, Path key, Path ca, Optional<String> requiredPeerId)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509TrustManager.Builder builder = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION);
    requiredPeerId.ifPresent(id -> builder.setSslSocketAndEnginePeerVerifier(new RequirePeerId(id)));
    trust = builder.build();
    this.cert = cert;
    this.key = key;
    this.ca = ca;
    load();
    watch = RELOADER.scheduleWithFixedDelay(this::reloadIfChanged, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
  }

  private void load() throws IOException, GeneralSecurityException {
    FileTime certTime = Files.getLastModifiedTime(cert);
    FileTime caTime = Files.getLastModifiedTime(ca);
    keys.updateIdentityCredentials(cert.toFile(), key.toFile());
    trust.updateTrustCredentials(ca.toFile());
    loadedCert = certTime;
    loadedCa = caTime;
  }

  private void reloadIfChanged() {
    try {
      if (!Files.getLastModifiedTime(cert).equals(loadedCert) || !Files.getLastModifiedTime(ca).equals(loadedCa)) {
        load();
        lastFailure = "";
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String failure = String.valueOf(e.getMessage());
      if (!failure.equals(lastFailure)) { // once per distinct failure, not every second
        log.warn("keeping the previous mesh certificate: cannot reload {}: {}", cert.getParent(), failure);
        lastFailure = failure;
      }
    }
  }

  /**
   * Watches {@code cert}, {@code key} and {@code ca}; a peer must present a certificate from that CA, and, when
   * {@code requiredPeerId} is given, with that SPIFFE id.
   *
   * @throws IOException if a file cannot be read
   * @throws GeneralSecurityException if a file holds no usable certificate or key
   */
  public static MeshTls watching(Path cert, Path key, Path ca, Optional<String> requiredPeerId)
      throws IOException, GeneralSecurityException {
    return new MeshTls(cert, key, ca, requiredPeerId);
  }

  /** {@link #watching} {@code dir/cert.pem}, {@code dir/key.pem}, {@code dir/ca.pem} (as the launcher writes them). */
  public static MeshTls watchingDirectory(Path dir, Optional<String> requiredPeerId)
      throws IOException, GeneralSecurityException {
    return watching(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem"), requiredPeerId);
  }

  /** Server credentials that require a client certificate from the mesh CA. */
  public ServerCredentials serverCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** Channel credentials presenting this identity's certificate. */
  public ChannelCredentials channelCredentials() {
    return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(trust).build();
  }

  /** The SPIFFE id of the peer of a TLS session: its certificate's, if it presented one that names one. */
  public static Optional<String> peerSpiffeId(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? spiffeId(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
  }

  /** The SPIFFE id ({@code spiffe://...} URI SAN) a certificate names, if any. */
  public static Optional<String> spiffeId(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return Optional.empty();
      }
      for (List<?> name : names) {
        if (Integer.valueOf(URI_SAN).equals(name.get(0)) && name.get(1) instanceof String uri
            && uri.startsWith("spiffe://")) {
          return Optional.of(uri);
        }
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    watch.cancel(false);
  }

  /** Refuses a peer whose leaf certificate does not name {@code id} (after the chain was verified). */
  private record RequirePeerId(String id) implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      Optional<String> peer = chain.length == 0 ? Optional.empty() : spiffeId(chain[0]);
      if (!peer.equals(Optional.of(id))) {
        throw new CertificateException("peer is " + peer.orElse("without a SPIFFE id") + ", expected " + id);
      }
    }
  }
}
