package io.marketprism.kit.server;

/**
 * How a service announces itself to a registry; the seam the control plane's registry plugs into.
 *
 * <p>The kit calls {@link #register} once the server is listening and reports {@code SERVING}; an implementation
 * keeps the registration alive itself (heartbeats on its own thread) until {@link #drain}. On shutdown the kit calls
 * {@link #drain} first (so that traffic moves away while calls still succeed), then {@link #deregister} after the
 * server has terminated. {@link #none()} is today's implementation.
 *
 * <p>Implementations must tolerate {@link #drain} and {@link #deregister} without a prior successful
 * {@link #register} (start-up may fail half-way).
 */
public interface ServiceRegistration {

  /** Registers {@code instance} and starts keeping the registration alive. */
  void register(ServiceInstance instance) throws Exception;

  /** Asks the registry to stop routing new calls here; calls in flight go on. */
  void drain();

  /** Removes the registration and stops keeping it alive. */
  void deregister();

  /** No registry: every hook does nothing. */
  static ServiceRegistration none() {
    return NoRegistration.INSTANCE;
  }

  /** The registration used when there is no registry. */
  enum NoRegistration implements ServiceRegistration {
    INSTANCE;

    @Override
    public void register(ServiceInstance instance) {}

    @Override
    public void drain() {}

    @Override
    public void deregister() {}
  }
}
