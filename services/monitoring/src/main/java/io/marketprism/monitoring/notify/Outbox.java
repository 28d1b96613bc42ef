package io.marketprism.monitoring.notify;

import io.marketprism.monitoring.MonitoringConfig;
import io.marketprism.monitoring.store.MonitoringStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications so that none is lost: each is written to the store before it is queued and deleted only
 * once its target took it (a 2xx answer, a JetStream ack); a failed delivery is retried with exponential backoff
 * ({@code notify.initial-backoff} doubling up to {@code notify.max-backoff}), for as long as it takes. A restarted
 * monitoring delivers what the store still holds. Each target gets its notifications in the order they were made,
 * one at a time, so one slow or failing receiver delays only itself. Delivery is at least once: a crash between a
 * delivery and its deletion sends that notification again.
 *
 * <p>Thread-safe: queues are guarded by {@code this}; deliveries run on a pool, one in flight per target.
 */
public final class Outbox implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  /** Where one target's notifications wait. Guarded by the outbox. */
  private static final class Queue {
    final Deque<Notification> pending = new ArrayDeque<>();
    boolean busy;
    int failures;
    // System.nanoTime() has an arbitrary origin (it may be negative): due times are relative to a reading of it
    long nextAttemptNanos = System.nanoTime();
  }

  private final MonitoringStore store;
  private final Connection nats;
  private final MonitoringConfig.Notifications config;
  private final HttpClient http;
  private final Map<String, Queue> queues = new HashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "outbox"));
  private final ExecutorService senders = Executors.newCachedThreadPool(r -> daemon(r, "outbox-send"));
  private final Counter outcomes;

  public Outbox(MonitoringStore store, Connection nats, MonitoringConfig.Notifications config, PrometheusRegistry metrics) {
    this.store = store;
    this.nats = nats;
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    this.outcomes = Counter.builder()
        .name("marketprism_monitoring_notifications_total")
        .help("Notification deliveries by target kind (webhook, nats) and outcome (delivered, failed)")
        .labelNames("kind", "outcome")
        .register(metrics);
    GaugeWithCallback.builder()
        .name("marketprism_monitoring_outbox_pending")
        .help("Notifications not yet delivered")
        .callback(callback -> callback.call(pending()))
        .register(metrics);
  }

  /** Queues what the store holds from before a restart, then starts delivering. */
  public void start() {
    List<Notification> stored = store.outbox();
    stored.sort(Comparator.comparingLong(Notification::createdNanos));
    synchronized (this) {
      stored.forEach(this::queue);
    }
    if (!stored.isEmpty()) {
      log.info("{} notifications from before the restart are queued again", stored.size());
    }
    timer.scheduleWithFixedDelay(this::dispatch, 0, 50, TimeUnit.MILLISECONDS);
  }

  /** Stores, then queues, {@code notifications}. */
  public void send(List<Notification> notifications) {
    notifications.forEach(store::putNotification);
    synchronized (this) {
      notifications.forEach(this::queue);
    }
  }

  public synchronized int pending() {
    return queues.values().stream().mapToInt(q -> q.pending.size()).sum();
  }

  private void queue(Notification notification) {
    queues.computeIfAbsent(notification.target(), t -> new Queue()).pending.add(notification);
  }

  private synchronized void dispatch() {
    long now = System.nanoTime();
    queues.forEach((target, queue) -> {
      if (!queue.busy && !queue.pending.isEmpty() && now - queue.nextAttemptNanos >= 0) {
        queue.busy = true;
        Notification head = queue.pending.peek();
        senders.execute(() -> deliver(queue, head));
      }
    });
  }

  private void deliver(Queue queue, Notification notification) {
    String kind = notification.toNats() ? "nats" : "webhook";
    boolean delivered;
    try {
      delivered = notification.toNats() ? publish(notification) : post(notification);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      log.warn("notification {} to {} failed: {}", notification.id(), notification.target(), e.toString());
      delivered = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      delivered = false;
    }
    if (delivered) {
      try {
        store.deleteNotification(notification.id());
      } catch (RuntimeException e) {
        // delivered but still stored: a restart would send it again (at least once), which is the lesser harm
        log.warn("notification {} delivered but not removed from the outbox: {}", notification.id(), e.getMessage());
      }
    }
    outcomes.labelValues(kind, delivered ? "delivered" : "failed").inc();
    synchronized (this) {
      if (delivered) {
        queue.pending.poll();
        queue.failures = 0;
        queue.nextAttemptNanos = System.nanoTime();
      } else {
        queue.failures++;
        queue.nextAttemptNanos = System.nanoTime() + backoffNanos(queue.failures);
      }
      queue.busy = false;
    }
  }

  long backoffNanos(int failures) {
    long initial = config.initialBackoff().toNanos();
    long max = config.maxBackoff().toNanos();
    int doublings = Math.min(failures - 1, 30);
    return Math.min(max, initial << doublings);
  }

  private boolean post(Notification notification) throws IOException, InterruptedException {
    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(notification.target()))
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "marketprism-monitoring")
        .POST(HttpRequest.BodyPublishers.ofString(notification.body(), StandardCharsets.UTF_8))
        .build(), HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      log.warn("webhook {} answered {} to notification {}", notification.target(), response.statusCode(),
          notification.id());
      return false;
    }
    return true;
  }

  private boolean publish(Notification notification) throws IOException, JetStreamApiException {
    String subject = notification.target().substring(Notification.NATS_PREFIX.length());
    // acked by the SYSTEM_EVENTS stream (sys.>): stored, not just sent
    nats.jetStream().publish(subject, notification.body().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    senders.shutdown();
    if (!senders.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
      senders.shutdownNow();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
