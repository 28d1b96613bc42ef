package io.marketprism.messaging;

import io.marketprism.marketdata.v1.MarketEvent;
import io.nats.client.Connection;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *       a copy that did arrive. Retries are never shed. Timeouts are found by one sweep every
 *       {@code min(ack-timeout, 100 ms)} over the outstanding publishes, so a publish times out between
 *       {@code ack-timeout} and {@code ack-timeout} plus one sweep period after it was sent.
 * </ul>
 *
 * <p>Ordering: messages go out in the order accepted, except that retries overtake newer messages.
 *
 * <p>Thread-safe: any thread may publish. The buffer and retry queue are concurrent queues; {@code inFlight} bounds
 * outstanding acks. Three kinds of thread meet here: the sender thread (sole reader of the buffer, sole writer of
 * {@code outstanding}'s tail and of {@code heldBySender}), the ack thread ({@link PublishAcks}: acks come back on an
 * inbox of this publisher's own, each publish's reply subject carrying a token) and the timeout sweep. Each sent
 * publish is settled exactly once, by whichever of its ack or the sweep wins {@link Outstanding#settle()};
 * the winner does the accounting and releases its in-flight permit, so every accepted message is counted acked
 * exactly once (a late ack after a timeout is ignored: its retry gets acked, as a duplicate if the first copy was
 * stored).
 */
public final class BoundedPublisher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BoundedPublisher.class);

  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_SWEEP_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Connection connection;
  private final MessagingSpans spans;
  private final PublishAcks acks;
  /** Sent publishes by the token in their reply subject, until their ack or timeout settles them. */
  private final ConcurrentHashMap<Long, Outstanding> byToken = new ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final int maxInFlight;
  private final Duration ackTimeout;
  private final BlockingQueue<OutgoingMessage> buffer;
  private final ConcurrentLinkedQueue<OutgoingMessage> retries = new ConcurrentLinkedQueue<>();
  /** Sent publishes in send order (so oldest first); settled ones are dropped from the head by the sweep. */
  private final ConcurrentLinkedQueue<Outstanding> outstanding = new ConcurrentLinkedQueue<>();
  private final Semaphore inFlight;
  private final Thread sender;
  private final ScheduledExecutorService timeoutSweep;

  /** Messages taken from the buffer by the sender and not yet sent; written by the sender thread only. */
  private volatile int heldBySender;

  /**
   * Messages accepted; counted before they enter the buffer (and taken back if shed), so that {@code acked}, which
   * counts each accepted message once, never overtakes it: {@code acked == accepted} means all is acked.
   */
  private final LongAdder accepted = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** System.nanoTime() before which the sender does not send; pushed forward by failures. */
  private final AtomicLong pauseUntilNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong lastShedLogNanos = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));

  private final CounterDataPoint ackedOutcome;
  private final CounterDataPoint duplicateOutcome;
  private final CounterDataPoint shedOutcome;
  private final CounterDataPoint retriedOutcome;

  private volatile boolean closing;

  private BoundedPublisher(Connection connection, NatsConfig.Publisher limits, PrometheusRegistry metrics,
      MessagingSpans spans) throws IOException {
    this.connection = connection;
    this.spans = spans;
    // an ack for a publish the sweep timed out already is ignored: its retry is on its way
    this.acks = new PublishAcks(connection, new PublishAcks.Listener() {
      @Override
      public void acked(long token, boolean duplicate) {
        if (settle(token) != null) {
          BoundedPublisher.this.acked(duplicate);
        }
      }

      @Override
      public void failed(long token, Exception error) {
        Outstanding publish = settle(token);
        if (publish != null) {
          BoundedPublisher.this.failed(publish.message, error);
        }
      }
    });
    this.maxInFlight = limits.maxInFlight();
    this.ackTimeout = limits.ackTimeout();
    this.buffer = new ArrayBlockingQueue<>(limits.bufferSize());
    this.inFlight = new Semaphore(maxInFlight);
    Counter outcomes =
        Counter.builder()
            .name("marketprism_nats_publish_total")
            .help("JetStream publishes by outcome: acked, duplicate (acked as already stored), shed, retried")
            .labelNames("outcome")
            .register(metrics);
    // label children resolved once: a label lookup per message is a measurable cost on the hot path
    this.ackedOutcome = outcomes.labelValues("acked");
    this.duplicateOutcome = outcomes.labelValues("duplicate");
    this.shedOutcome = outcomes.labelValues("shed");
    this.retriedOutcome = outcomes.labelValues("retried");
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
    this.timeoutSweep =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "nats-publisher-timeouts");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts a publisher on {@code connection}; register it for shutdown ({@link #close()} flushes).
   *
   * @param metrics where its counters and gauges go (one publisher per registry)
   */
  public static BoundedPublisher start(Connection connection, NatsConfig.Publisher limits, PrometheusRegistry metrics)
      throws IOException {
    return start(connection, limits, metrics, MessagingSpans.none());
  }

  /**
   * Starts a publisher whose {@link #publish(MarketEvent)} records a {@code PRODUCER} span per event published inside
   * a sampled trace (see {@link MessagingSpans}); register it for shutdown ({@link #close()} flushes).
   *
   * @param metrics where its counters and gauges go (one publisher per registry)
   */
  public static BoundedPublisher start(Connection connection, NatsConfig.Publisher limits, PrometheusRegistry metrics,
      MessagingSpans spans) throws IOException {
    BoundedPublisher publisher = new BoundedPublisher(connection, limits, metrics, spans);
    long period = Math.min(MAX_SWEEP_PERIOD_NANOS, publisher.ackTimeout.toNanos());
    publisher.timeoutSweep.scheduleAtFixedRate(publisher::sweepTimeouts, period, period, TimeUnit.NANOSECONDS);
    publisher.sender.start();
    return publisher;
  }

  /**
   * Publishes a market event to its subject with its message id and the current trace; see
   * {@link #publish(OutgoingMessage)}. Inside a sampled trace the publish is a {@code PRODUCER} span, which ends once
   * the message is buffered (or shed), and whose context the message carries; otherwise no span is made.
   */
  public boolean publish(MarketEvent event) {
    Context current = Context.current();
    if (!MessagingSpans.traced(current)) {
      return publish(MarketDataMessages.of(event, current));
    }
    Span span = spans.startPublish(MarketEventCodec.typeOf(event), current);
    try {
      OutgoingMessage message = MarketDataMessages.of(event, current.with(span));
      MessagingSpans.describe(span, message);
      boolean accepted = publish(message);
      if (!accepted) {
        MessagingSpans.shed(span);
      }
      return accepted;
    } finally {
      span.end();
    }
  }

  /**
   * Accepts {@code message} for publishing without waiting.
   *
   * @return {@code false} if the buffer is full and the message was shed (counted)
   * @throws IllegalStateException after {@link #close()}
   */
  public boolean publish(OutgoingMessage message) {
    checkOpen();
    accepted.increment();
    if (buffer.offer(message)) {
      return true;
    }
    accepted.decrement();
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
    accepted.increment();
    boolean offered = false;
    try {
      offered = buffer.offer(message, maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      if (!offered) {
        accepted.decrement();
      }
    }
    if (!offered) {
      recordShed();
    }
    return offered;
  }

  /**
   * Waits until every message accepted so far has been acked (buffer, retries and window empty). When it returns
   * {@code true}, {@link #acked()}, {@link #duplicates()}, {@link #retried()} and the metrics include all of them.
   *
   * @return {@code false} if that did not happen within {@code timeout}
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // acked is read first: both only grow, and acked never exceeds accepted, so equality means done
    while (acked.sum() < accepted.sum()) {
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
    return buffer.size() + heldBySender + retries.size();
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
    timeoutSweep.shutdownNow();
    acks.close();
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
    shedOutcome.inc();
    long now = System.nanoTime();
    long last = lastShedLogNanos.get();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastShedLogNanos.compareAndSet(last, now)) {
      log.warn("publish buffer full ({} messages, {} in flight): shedding; {} shed so far", buffered(), inFlight(),
          shed());
    }
  }

  private void sendLoop() {
    // Messages are taken from the buffer in batches of at most the free window (at least one), so the sender never
    // holds more than one message beyond the window: the shedding bound stays buffer-size + max-in-flight + 1.
    ArrayDeque<OutgoingMessage> batch = new ArrayDeque<>();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        OutgoingMessage message = retries.poll();
        if (message == null) {
          message = nextFromBuffer(batch);
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

  /** The next buffered message, refilling {@code batch} when it is empty; null if none came within 100 ms. */
  private OutgoingMessage nextFromBuffer(ArrayDeque<OutgoingMessage> batch) throws InterruptedException {
    if (batch.isEmpty() && buffer.drainTo(batch, Math.max(1, inFlight.availablePermits())) == 0) {
      OutgoingMessage first = buffer.poll(100, TimeUnit.MILLISECONDS);
      if (first == null) {
        return null;
      }
      batch.add(first);
      buffer.drainTo(batch, Math.max(0, inFlight.availablePermits() - 1));
    }
    OutgoingMessage next = batch.poll();
    heldBySender = batch.size();
    return next;
  }

  private void send(OutgoingMessage message) {
    long token = tokens.incrementAndGet();
    Outstanding publish = new Outstanding(message, System.nanoTime(), token);
    byToken.put(token, publish);
    outstanding.add(publish);
    try {
      connection.publish(message.subject(), acks.replyTo(token), message.headers(), message.payload());
    } catch (RuntimeException e) {
      // e.g. the reconnect buffer is full while disconnected
      if (settle(token) != null) {
        failed(message, e);
      }
    }
  }

  /** The publish {@code token} if this caller settles it; null if it is settled already (or unknown). */
  private Outstanding settle(long token) {
    Outstanding publish = byToken.remove(token);
    return publish != null && publish.settle() ? publish : null;
  }

  /** Times out the oldest unsettled publishes and drops settled ones; runs on the sweep thread. */
  private void sweepTimeouts() {
    try {
      long timedOutBefore = System.nanoTime() - ackTimeout.toNanos();
      Outstanding oldest;
      while ((oldest = outstanding.peek()) != null) {
        if (!oldest.isSettled() && oldest.sentAtNanos - timedOutBefore > 0) {
          return; // everything behind it was sent later
        }
        outstanding.poll();
        if (oldest.settle()) {
          byToken.remove(oldest.token);
          failed(oldest.message, new TimeoutException("no ack within " + ackTimeout));
        }
      }
    } catch (RuntimeException e) {
      // a thrown exception would cancel the periodic sweep for good
      log.error("publish timeout sweep failed", e);
    }
  }

  private void acked(boolean duplicate) {
    // the permit first: nothing below needs it, and flush() waits on the acked count, not on the window
    inFlight.release();
    consecutiveFailures.set(0);
    if (duplicate) {
      duplicates.increment();
      duplicateOutcome.inc();
    } else {
      ackedOutcome.inc();
    }
    // counted last, so that flush() returning implies the other counters are up to date
    acked.increment();
  }

  private void failed(OutgoingMessage message, Throwable error) {
    retried.increment();
    retriedOutcome.inc();
    int failures = consecutiveFailures.incrementAndGet();
    long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failures - 1, 10));
    pauseUntilNanos.accumulateAndGet(System.nanoTime() + backoff, Math::max);
    // queued and paused before the permit is released, so the sender sends the retry (after the pause) first
    retries.add(message);
    if (failures == 1) {
      log.warn("JetStream publish to {} failed ({}); retrying with the same message id", message.subject(),
          error.toString());
    }
    inFlight.release();
  }

  /** A sent publish awaiting its ack; settled once, by its ack callback or by the timeout sweep. */
  private static final class Outstanding {
    final OutgoingMessage message;
    final long sentAtNanos;
    final long token;
    private final AtomicBoolean settled = new AtomicBoolean();

    Outstanding(OutgoingMessage message, long sentAtNanos, long token) {
      this.message = message;
      this.sentAtNanos = sentAtNanos;
      this.token = token;
    }

    /** True for the one caller that settles it. */
    boolean settle() {
      return settled.compareAndSet(false, true);
    }

    boolean isSettled() {
      return settled.get();
    }
  }
}
