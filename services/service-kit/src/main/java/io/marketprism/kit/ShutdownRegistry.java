package io.marketprism.kit;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources a service opened (NATS connections, JDBC pools, an HTTP gateway, background executors), closed in
 * reverse order of registration once the gRPC server has stopped, so a resource registered later, which may depend
 * on an earlier one, is closed first. A resource that fails to close is logged and the rest are still closed.
 *
 * <p>Thread-safe: registration and closing are synchronized on this object.
 */
public final class ShutdownRegistry {

  private static final Logger log = LoggerFactory.getLogger(ShutdownRegistry.class);

  /** Guarded by {@code this}. */
  private final Deque<Registered> resources = new ArrayDeque<>();

  /** Guarded by {@code this}. */
  private boolean closed;

  private record Registered(String name, AutoCloseable resource) {}

  /**
   * Closes {@code resource} at shutdown; returns it, so that opening and registering read as one line:
   * {@code var nats = ctx.shutdown().register("nats", Nats.connect(options));}.
   *
   * @throws IllegalStateException if shutdown already closed the registry (the resource is closed right away)
   */
  public synchronized <T extends AutoCloseable> T register(String name, T resource) {
    if (closed) {
      closeQuietly(new Registered(name, resource));
      throw new IllegalStateException("service is shutting down; closed " + name + " at once");
    }
    resources.push(new Registered(name, resource));
    return resource;
  }

  /** Closes every resource, last registered first. Later calls do nothing. */
  synchronized void closeAll() {
    closed = true;
    while (!resources.isEmpty()) {
      closeQuietly(resources.pop());
    }
  }

  private static void closeQuietly(Registered registered) {
    try {
      log.info("closing {}", registered.name());
      registered.resource().close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while closing {}", registered.name(), e);
    } catch (Exception e) {
      log.warn("closing {} failed", registered.name(), e);
    }
  }
}
