package io.marketprism.messaging;

import io.marketprism.marketdata.v1.MarketEvent;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to JetStream asynchronously with at most {@code max-in-flight} publishes awaiting their ack, so a slow or
 * unavailable NATS never blocks the caller for longer than it chose and never loses data silently:
 *
 * <ul>
 *   <li>{@link #publish(OutgoingMessage)} puts the message in a buffer of {@code buffer-size} messages and returns at
 *       once; when the buffer is full the message is <em>shed</em>: {@code false} is returned, and it is counted in
 *       {@link #shed()} and {@code marketprism_nats_publish_total{outcome="shed"}}.
 *   <li>One sender thread moves buffered messages to JetStream while fewer than {@code max-in-flight} acks are
 *       outstanding; a full window stops it, which fills the buffer (backpressure).
 *   <li>A publish that is not acked within {@code ack-timeout}, or fails, is published again with the same
 *       {@code Nats-Msg-Id} after a backoff (up to 2 s), ahead of newer messages; the stream's duplicate window drops
 *       a copy that did arrive. Retries are never shed.
 * </ul>
 *
 * <p>Ordering: messages go out in the order accepted, except that retries overtake newer messages.
 *
 * <p>Thread-safe: any thread may publish. The buffer and retry queue are concurrent queues; {@code inFlight} bounds
 * outstanding acks; ack callbacks run on jnats' threads and only touch those queues, the semaphore and counters.
 */
public final class BoundedPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BoundedPublisher.class);

  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final JetStream jetStream;
  private final int maxInFlight;
  private final Duration ackTimeout;
  private final BlockingQueue<OutgoingMessage> buffer;
  private final ConcurrentLinkedQueue<OutgoingMessage> retries = new ConcurrentLinkedQueue<>();
  private final Semaphore inFlight;
  private final Thread sender;

  private final LongAdder acked = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** System.nanoTime() before which the sender does not send; pushed forward by failures. */
  private final AtomicLong pauseUntilNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong lastShedLogNanos = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));

  private final Counter outcomes;

  private volatile boolean closing;

  private BoundedPublisher(Connection connection, NatsConfig.Publisher limits, PrometheusRegistry metrics)
      throws IOException {
    this.jetStream = connection.jetStream();
    this.maxInFlight = limits.maxInFlight();
    this.ackTimeout = limits.ackTimeout();
    this.buffer = new ArrayBlockingQueue<>(limits.bufferSize());
    this.inFlight = new Semaphore(maxInFlight);
    this.outcomes =
        Counter.builder()
            .name("marketprism_nats_publish_total")
            .help("JetStream publishes by outcome: acked, duplicate (acked as already stored), shed, retried")
            .labelNames("outcome")
            .register(metrics);
    GaugeWithCallback.builder()
        .name("marketprism_nats_publish_buffered")
        .help("Messages waiting in the publisher's buffer (new and retries)")
        .callback(callback -> callback.call(buffered()))
        .register(metrics);
    GaugeWithCallback.builder()
        .name("marketprism_nats_publish_in_flight")
        .help("Publishes awaiting their JetStream ack")
        .callback(callback -> callback.call(inFlight()))
        .register(metrics);
    this.sender = new Thread(this::sendLoop, "nats-publisher");
    sender.setDaemon(true);
  }

  /**
   * Starts a publisher on {@code connection}; register it for shutdown ({@link #close()} flushes).
   *
   * @param metrics where its counters and gauges go (one publisher per registry)
   */
  public static BoundedPublisher start(Connection connection, NatsConfig.Publisher limits, PrometheusRegistry metrics)
      throws IOException {
    BoundedPublisher publisher = new BoundedPublisher(connection, limits, metrics);
    publisher.sender.start();
    return publisher;
  }

  /** Publishes a market event to its subject with its message id and the current trace; see {@link #publish(OutgoingMessage)}. */
  public boolean publish(MarketEvent event) {
    return publish(MarketDataMessages.of(event));
  }

  /**
   * Accepts {@code message} for publishing without waiting.
   *
   * @return {@code false} if the buffer is full and the message was shed (counted)
   * @throws IllegalStateException after {@link #close()}
   */
  public boolean publish(OutgoingMessage message) {
    checkOpen();
    if (buffer.offer(message)) {
      return true;
    }
    recordShed();
    return false;
  }

  /**
   * Accepts {@code message}, waiting up to {@code maxWait} for room in the buffer: for callers that prefer to slow
   * down rather than shed.
   *
   * @return {@code false} if there was no room within {@code maxWait} and the message was shed (counted)
   */
  public boolean publish(OutgoingMessage message, Duration maxWait) throws InterruptedException {
    checkOpen();
    if (buffer.offer(message, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
      return true;
    }
    recordShed();
    return false;
  }

  /**
   * Waits until every accepted message has been acked (buffer, retries and window empty).
   *
   * @return {@code false} if that did not happen within {@code timeout}
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (buffered() > 0 || inFlight() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Messages acked by the stream (duplicates included). */
  public long acked() {
    return acked.sum();
  }

  /** Messages the stream acked as duplicates of one it already had (a retry whose first copy arrived). */
  public long duplicates() {
    return duplicates.sum();
  }

  /** Messages refused because the buffer was full. */
  public long shed() {
    return shed.sum();
  }

  /** Publishes repeated after a timeout or failure. */
  public long retried() {
    return retried.sum();
  }

  /** Messages accepted and not yet sent (buffer plus retries). */
  public int buffered() {
    return buffer.size() + retries.size();
  }

  /** Publishes sent and awaiting their ack. */
  public int inFlight() {
    return maxInFlight - inFlight.availablePermits();
  }

  /**
   * Stops accepting messages, waits up to the ack timeout (at least 5 s) for what was accepted to be acked, then
   * stops the sender. Messages still unacked then are logged as lost.
   */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    Duration grace = ackTimeout.compareTo(Duration.ofSeconds(5)) > 0 ? ackTimeout : Duration.ofSeconds(5);
    boolean flushed = flush(grace);
    sender.interrupt();
    sender.join(TimeUnit.SECONDS.toMillis(5));
    if (!flushed) {
      log.error("publisher closed with {} messages unsent and {} unacked; they are lost", buffered(), inFlight());
    }
  }

  private void checkOpen() {
    if (closing) {
      throw new IllegalStateException("publisher is closed");
    }
  }

  private void recordShed() {
    shed.increment();
    outcomes.labelValues("shed").inc();
    long now = System.nanoTime();
    long last = lastShedLogNanos.get();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastShedLogNanos.compareAndSet(last, now)) {
      log.warn("publish buffer full ({} messages, {} in flight): shedding; {} shed so far", buffered(), inFlight(),
          shed());
    }
  }

  private void sendLoop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        OutgoingMessage message = retries.poll();
        if (message == null) {
          message = buffer.poll(100, TimeUnit.MILLISECONDS);
          if (message == null) {
            continue;
          }
        }
        long pause = pauseUntilNanos.get() - System.nanoTime();
        if (pause > 0) {
          TimeUnit.NANOSECONDS.sleep(pause);
        }
        inFlight.acquire();
        send(message);
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(OutgoingMessage message) {
    CompletableFuture<PublishAck> ack;
    try {
      ack = jetStream.publishAsync(message.subject(), message.headers(), message.payload());
    } catch (RuntimeException e) {
      // e.g. the reconnect buffer is full while disconnected
      failed(message, e);
      return;
    }
    ack.orTimeout(ackTimeout.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete(
            (publishAck, error) -> {
              if (error == null) {
                acked(publishAck);
              } else {
                failed(message, error);
              }
            });
  }

  private void acked(PublishAck publishAck) {
    consecutiveFailures.set(0);
    acked.increment();
    if (publishAck.isDuplicate()) {
      duplicates.increment();
      outcomes.labelValues("duplicate").inc();
    } else {
      outcomes.labelValues("acked").inc();
    }
    // released last, so that flush() returning implies the counters are up to date
    inFlight.release();
  }

  private void failed(OutgoingMessage message, Throwable error) {
    retries.add(message);
    retried.increment();
    outcomes.labelValues("retried").inc();
    int failures = consecutiveFailures.incrementAndGet();
    long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failures - 1, 10));
    pauseUntilNanos.accumulateAndGet(System.nanoTime() + backoff, Math::max);
    if (failures == 1) {
      log.warn("JetStream publish to {} failed ({}); retrying with the same message id", message.subject(),
          error.toString());
    }
    inFlight.release();
  }
}
