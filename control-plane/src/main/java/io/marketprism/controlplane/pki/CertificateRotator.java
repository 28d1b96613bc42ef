package io.marketprism.controlplane.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one workload's certificate files fresh: issues a certificate now and a new one when two thirds of the
 * current one's lifetime have passed, rewriting the files the gRPC {@code file_watcher} provider reads. Servers and
 * channels pick the new certificate up on the provider's next refresh — no restart, no failed call, since the old
 * certificate stays valid for the remaining third.
 *
 * <p>That remaining third must cover the watchers' refresh (1 s in the mesh's bootstraps) and the handshakes under
 * way when the files change; with a third of 1 s, new handshakes met the expired certificate
 * ({@code CertificateExpiredException}). Hence {@link #MINIMUM_LIFETIME}: the old certificate then outlives its
 * replacement's arrival by at least {@link #MINIMUM_OVERLAP}, three refresh intervals.
 *
 * <p>Thread-safe: rotation runs on its own single thread.
 */
public final class CertificateRotator implements AutoCloseable {

  /** How long a replaced certificate stays valid at the least: three 1 s file-watcher refreshes. */
  public static final Duration MINIMUM_OVERLAP = Duration.ofSeconds(3);
  /** The shortest lifetime a rotated certificate may have: a third of it is {@link #MINIMUM_OVERLAP}. */
  public static final Duration MINIMUM_LIFETIME = MINIMUM_OVERLAP.multipliedBy(3);

  private static final Logger log = LoggerFactory.getLogger(CertificateRotator.class);

  private final MeshCa ca;
  private final String spiffeId;
  private final String commonName;
  private final Path dir;
  private final Duration validity;
  private final HostNames hosts;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "certificate-rotator");
    t.setDaemon(true);
    return t;
  });
  private volatile int rotations;

  private CertificateRotator(MeshCa ca, String spiffeId, String commonName, Path dir, Duration validity, HostNames hosts, Clock clock) {
    this.ca = ca;
    this.spiffeId = spiffeId;
    this.commonName = commonName;
    this.dir = dir;
    this.validity = validity;
    this.hosts = hosts;
    this.clock = clock;
  }

  /** Writes {@code service}'s files to {@code dir} now (so they exist on return) and keeps rotating them. */
  public static CertificateRotator start(MeshCa ca, String service, Path dir, Duration validity, Clock clock)
      throws IOException {
    return start(ca, service, dir, validity, HostNames.NONE, clock);
  }

  /**
   * As {@link #start(MeshCa, String, Path, Duration, Clock)}, with certificates that also name {@code hosts}
   * ({@link HostNames#LOOPBACK} for workloads that tools reach on this machine).
   *
   * @throws IllegalArgumentException if {@code validity} is shorter than {@link #MINIMUM_LIFETIME}
   */
  public static CertificateRotator start(
      MeshCa ca, String service, Path dir, Duration validity, HostNames hosts, Clock clock) throws IOException {
    checkLifetime(validity);
    CertificateRotator rotator = new CertificateRotator(
        ca, "spiffe://" + MeshCa.TRUST_DOMAIN + "/service/" + service, service, dir, validity, hosts, clock);
    rotator.rotate();
    return rotator;
  }

  /**
   * As {@link #start(MeshCa, String, Path, Duration, Clock)} for an operator, identity {@code
   * spiffe://marketprism/operator/<name>}: a local client that joins the mesh with files kept fresh (the launcher's
   * certificate for xDS clients on the plaintext ADS port).
   */
  public static CertificateRotator startOperator(MeshCa ca, String name, Path dir, Duration validity, Clock clock)
      throws IOException {
    checkLifetime(validity);
    CertificateRotator rotator = new CertificateRotator(
        ca, "spiffe://" + MeshCa.TRUST_DOMAIN + "/operator/" + name, name, dir, validity, HostNames.NONE, clock);
    rotator.rotate();
    return rotator;
  }

  /** @throws IllegalArgumentException if a rotated certificate of {@code lifetime} would expire too soon after rotation */
  public static void checkLifetime(Duration lifetime) {
    if (lifetime.compareTo(MINIMUM_LIFETIME) < 0) {
      throw new IllegalArgumentException("certificate lifetime " + lifetime.toMillis() + "ms is below the minimum "
          + MINIMUM_LIFETIME.toSeconds() + "s: a certificate is replaced at two thirds of its lifetime and must stay"
          + " valid for at least " + MINIMUM_OVERLAP.toSeconds() + "s after that, while the file watchers take up"
          + " its replacement");
    }
  }

  /** How many certificates were written after the first. */
  public int rotations() {
    return rotations;
  }

  private void rotate() throws IOException {
    WorkloadCertificate certificate = ca.issueFor(spiffeId, commonName, validity, hosts);
    PemFiles.write(dir, certificate);
    Instant renewAt = clock.instant().plus(validity.multipliedBy(2).dividedBy(3));
    long delay = Math.max(1, Duration.between(clock.instant(), renewAt).toMillis());
    timer.schedule(this::rotateSafely, delay, TimeUnit.MILLISECONDS);
  }

  private void rotateSafely() {
    try {
      rotate();
      rotations++;
      log.debug("rotated the certificate of {} in {}", spiffeId, dir);
    } catch (IOException | RuntimeException e) {
      log.error("cannot rotate the certificate of {} in {}; retrying in 5s", spiffeId, dir, e);
      timer.schedule(this::rotateSafely, 5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
