package io.marketprism.kit;

import io.grpc.Server;
import io.marketprism.kit.config.Durations;
import io.marketprism.kit.config.GrpcConfig;
import io.marketprism.kit.health.ServiceHealth;
import io.marketprism.kit.server.ServiceInstance;
import io.marketprism.kit.server.ServiceRegistration;
import io.marketprism.observability.MetricsServer;
import io.marketprism.observability.Telemetry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started service: its addresses, and the one graceful shutdown sequence of MarketPrism.
 *
 * <p>Thread-safe: {@link #stop()} may be called from several threads (a signal's shutdown hook, a test, an admin
 * RPC); the first caller performs the sequence, the others wait for it to finish.
 */
public final class RunningService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RunningService.class);

  /** After {@code shutdownNow()}, how long to wait for cancelled calls to unwind before giving up on them. */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

  private final ServiceInstance instance;
  private final GrpcConfig grpc;
  private final Server server;
  private final ServiceHealth health;
  private final ServiceRegistration registration;
  private final ShutdownRegistry resources;
  private final Optional<MetricsServer> metrics;
  private final Telemetry telemetry;

  private final Object stopLock = new Object();

  /** Guarded by {@code stopLock}. */
  private boolean stopping;

  private final CountDownLatch terminated = new CountDownLatch(1);

  RunningService(
      ServiceInstance instance,
      GrpcConfig grpc,
      Server server,
      ServiceHealth health,
      ServiceRegistration registration,
      ShutdownRegistry resources,
      Optional<MetricsServer> metrics,
      Telemetry telemetry) {
    this.instance = instance;
    this.grpc = grpc;
    this.server = server;
    this.health = health;
    this.registration = registration;
    this.resources = resources;
    this.metrics = metrics;
    this.telemetry = telemetry;
  }

  /** The service's name, version and addresses, as registered. */
  public ServiceInstance instance() {
    return instance;
  }

  /** The address the gRPC server is bound to, with the real port (also when port 0 was configured). */
  public InetSocketAddress grpcAddress() {
    return instance.grpcAddress();
  }

  /** Where {@code /metrics} is served, if the endpoint is enabled. */
  public Optional<InetSocketAddress> metricsAddress() {
    return instance.metricsAddress();
  }

  /**
   * Stops the service gracefully and returns when it has stopped:
   *
   * <ol>
   *   <li>Registration drains, so the registry routes new calls elsewhere.
   *   <li>Health goes {@code NOT_SERVING} for the whole server and every service, for good.
   *   <li>Wait {@code grpc.drain-delay}, long enough for health checkers and load balancers to notice; calls keep
   *       arriving and are served meanwhile.
   *   <li>{@code server.shutdown()}: new calls are refused; calls in flight continue.
   *   <li>{@code awaitTermination(grpc.shutdown-grace)} for calls in flight to finish.
   *   <li>Only if the grace ran out: {@code shutdownNow()}, which cancels the calls still running.
   *   <li>Registration removed.
   *   <li>The service's resources closed, last opened first (they may be in use until the server has stopped).
   *   <li>The metrics endpoint closed, queued spans flushed.
   * </ol>
   */
  public void stop() {
    synchronized (stopLock) {
      if (stopping) {
        awaitTerminationUninterruptibly();
        return;
      }
      stopping = true;
    }
    try {
      String name = instance.service();
      log.info("{} stopping: draining registration", name);
      registration.drain();

      log.info("{} stopping: health NOT_SERVING", name);
      health.drain();

      if (!grpc.drainDelay().isZero()) {
        log.info("{} stopping: waiting drain-delay {} for load balancers to notice", name, Durations.format(grpc.drainDelay()));
        Thread.sleep(grpc.drainDelay().toMillis());
      }

      log.info("{} stopping: refusing new calls, waiting up to {} for calls in flight", name, Durations.format(grpc.shutdownGrace()));
      server.shutdown();
      if (!server.awaitTermination(grpc.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} stopping: shutdown-grace {} passed with calls still running; cancelling them", name, Durations.format(grpc.shutdownGrace()));
        server.shutdownNow();
        if (!server.awaitTermination(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("{} stopping: cancelled calls did not finish within {}; going on", name, Durations.format(CANCEL_WAIT));
        }
      }

      log.info("{} stopping: deregistering", name);
      registration.deregister();

      log.info("{} stopping: closing resources", name);
      resources.closeAll();
      metrics.ifPresent(MetricsServer::close);
      log.info("{} stopped", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("{} interrupted while stopping; cancelling calls and closing resources now", instance.service());
      server.shutdownNow();
      registration.deregister();
      resources.closeAll();
      metrics.ifPresent(MetricsServer::close);
    } finally {
      telemetry.close();
      terminated.countDown();
    }
  }

  /** Waits until the service has stopped (after {@link #stop()}, from whichever thread). */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void awaitTerminationUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
