package io.marketprism.broker.subscribe;

import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Subscribe calls this broker is serving: runs each one's delivery loop on its own thread, knows which durable
 * consumers are bound (a durable serves one call at a time), and ends every call with {@code UNAVAILABLE} when the
 * broker shuts down. Metrics: {@code marketprism_broker_subscribe_calls} (calls being served) and
 * {@code marketprism_broker_subscribe_messages_total} (messages sent to Subscribe clients, redeliveries included).
 *
 * <p>Thread-safe: concurrent sets; the executor is created once.
 */
public final class ActiveSubscriptions implements AutoCloseable {

  private final Set<Subscription> running = ConcurrentHashMap.newKeySet();
  private final Set<String> boundDurables = ConcurrentHashMap.newKeySet();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final ExecutorService loops =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "broker-subscription-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  private final Counter messages;

  /** Registers this broker's Subscribe metrics with {@code metrics}. */
  public ActiveSubscriptions(PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name("marketprism_broker_subscribe_calls")
        .help("Subscribe calls being served")
        .callback(callback -> callback.call(running.size()))
        .register(metrics);
    this.messages =
        Counter.builder()
            .name("marketprism_broker_subscribe_messages_total")
            .help("Messages sent to Subscribe clients, redeliveries included")
            .register(metrics);
  }

  /** Counts one message sent to a client. */
  public void delivered() {
    messages.inc();
  }

  /**
   * Claims a durable consumer for one call.
   *
   * @return false if another call holds it
   */
  public boolean bind(String stream, String durable) {
    return boundDurables.add(stream + "/" + durable);
  }

  /** Releases a claim made with {@link #bind}. */
  public void unbind(String stream, String durable) {
    boundDurables.remove(stream + "/" + durable);
  }

  /** Starts a subscription's delivery loop; it is forgotten once it has ended. */
  public void start(Subscription subscription) {
    running.add(subscription);
    loops.execute(subscription);
  }

  /** Called by a subscription's {@code onClosed}. */
  public void ended(Subscription subscription) {
    running.remove(subscription);
  }

  /** Calls being served now. */
  public int size() {
    return running.size();
  }

  /** Ends every call with {@code UNAVAILABLE} (clients retry elsewhere) and waits briefly for their cleanup. */
  @Override
  public void close() throws InterruptedException {
    for (Subscription subscription : running) {
      subscription.end(Status.UNAVAILABLE.withDescription("the broker is shutting down").asRuntimeException());
    }
    loops.shutdown();
    if (!loops.awaitTermination(5, TimeUnit.SECONDS)) {
      loops.shutdownNow();
    }
  }
}
