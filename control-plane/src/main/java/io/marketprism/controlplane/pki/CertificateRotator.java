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
 * <p>Thread-safe: rotation runs on its own single thread.
 */
public final class CertificateRotator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CertificateRotator.class);

  private final MeshCa ca;
  private final String service;
  private final Path dir;
  private final Duration validity;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "certificate-rotator");
    t.setDaemon(true);
    return t;
  });
  private volatile int rotations;

  private CertificateRotator(MeshCa ca, String service, Path dir, Duration validity, Clock clock) {
    this.ca = ca;
    this.service = service;
    this.dir = dir;
    this.validity = validity;
    this.clock = clock;
  }

  /** Writes {@code service}'s files to {@code dir} now (so they exist on return) and keeps rotating them. */
  public static CertificateRotator start(MeshCa ca, String service, Path dir, Duration validity, Clock clock)
      throws IOException {
    CertificateRotator rotator = new CertificateRotator(ca, service, dir, validity, clock);
    rotator.rotate();
    return rotator;
  }

  /** How many certificates were written after the first. */
  public int rotations() {
    return rotations;
  }

  private void rotate() throws IOException {
    WorkloadCertificate certificate = ca.issue(service, validity);
    PemFiles.write(dir, certificate);
    Instant renewAt = clock.instant().plus(validity.multipliedBy(2).dividedBy(3));
    long delay = Math.max(1, Duration.between(clock.instant(), renewAt).toMillis());
    timer.schedule(this::rotateSafely, delay, TimeUnit.MILLISECONDS);
  }

  private void rotateSafely() {
    try {
      rotate();
      rotations++;
      log.debug("rotated the certificate of {} in {}", service, dir);
    } catch (IOException | RuntimeException e) {
      log.error("cannot rotate the certificate of {} in {}; retrying in 5s", service, dir, e);
      timer.schedule(this::rotateSafely, 5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
