package io.marketprism.storage.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.messaging.MessagingSpans;
import io.marketprism.storage.DataStorageConfig;
import io.marketprism.storage.clickhouse.ClickHouse;
import io.marketprism.storage.schema.EventRows;
import io.marketprism.storage.schema.EventTable;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one data type: a durable pull consumer on {@code md.<type>.>} in {@code MARKET_DATA} feeding batched inserts
 * into the type's hot table.
 *
 * <p>Exactly once as seen by queries: a batch is complete when it holds {@code batch-size} rows or its oldest message
 * has waited {@code flush-interval}; only after its insert succeeded is each of its messages acked. A crash before
 * the acks means redelivery, and the table's ReplacingMergeTree key makes the second copy replace the first.
 *
 * <p>Acks are explicit, one per message, not ack policy {@code all}: after a crash the server delivers new messages
 * while the dead process's unacked ones wait out their ack wait, and an ack-all of a new message would acknowledge
 * those older, never-stored ones with it — silently losing them. Explicit acks also let several storage replicas share
 * one durable. While ClickHouse fails, the batch is retried with
 * exponential backoff and nothing is acked; fetching stops once the next batch is complete too (the backlog waits in
 * JetStream, visible as consumer lag).
 *
 * <p>A message that cannot be decoded or stored goes to the dead-letter subject with the reason and counts as done.
 *
 * <p>Tracing follows the publisher's decision (parent-based): a message whose {@code traceparent} is sampled gets a
 * {@code CONSUMER} span {@code process md.<type>}, child of its publish span, open until the message is stored and
 * acked; untraced messages cost one header lookup. A batch holding traced messages is stored inside a span
 * {@code store <table>} whose parent is the first traced message's process span and which links to every traced
 * message of the batch (at most {@value #MAX_TRACED}), so the ClickHouse insert (a {@code CLIENT} span, child of the
 * store span) is in the first message's trace and reachable from the others. A batch without traced messages makes no
 * span at all.
 *
 * <p>Threading: two threads, so that fetching and decoding overlap inserting. The fetch thread owns the batch being
 * built and hands complete batches to the insert thread through a queue of one; the insert thread inserts and acks
 * them in order. {@link #lag()} only asks the server.
 */
final class TypeIngest implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TypeIngest.class);
  /** The longest a fetch waits before looking at the batch limits again. */
  private static final long LIMITS_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final EventTable table;
  private final Connection nats;
  private final ClickHouse clickHouse;
  private final DataStorageConfig.Ingest config;
  private final BatchLimits limits;
  private final String durable;
  private final String insertInto;
  private final List<String> columnTypes;
  private final StorageHealth health;
  private final DeadLetters deadLetters;
  private final Counter rowsStored;
  private final IngestTimings timings;
  private final Consumer<MarketEvent> listener;
  private final MessagingSpans messagingSpans;
  private final Tracer tracer;
  private final Thread fetcher;
  private final Thread inserter;
  /** Complete batches on their way from the fetch thread to the insert thread. */
  private final BlockingQueue<Batch> complete = new ArrayBlockingQueue<>(1);

  private volatile boolean running = true;

  /**
   * Rows to insert, the ack subjects of the messages they came from (acked once stored), and the process spans of its
   * traced messages (ended once stored). Only the ack subject of a message is kept, not the message: a batch lives through several young
   * collections, and 50,000 messages with their payloads and parsed headers cost far more to copy than their rows.
   */
  private record Batch(List<Object[]> rows, List<String> ackSubjects, List<Span> processing, long startedNanos) {}

  /** JetStream's positive acknowledgement, published to a message's reply subject (what {@code Message.ack()} does). */
  private static final AttributeKey<Long> BATCH_MESSAGES = AttributeKey.longKey("messaging.batch.message_count");
  private static final AttributeKey<Long> BATCH_TRACED = AttributeKey.longKey("marketprism.batch.traced_messages");

  private static final byte[] ACK = "+ACK".getBytes(StandardCharsets.US_ASCII);

  /**
   * Traced messages per batch: enough to find the insert from a sampled publish, bounded so that a batch of 50,000
   * messages under a high sampling ratio never holds 50,000 open spans (messages beyond it are stored untraced).
   */
  private static final int MAX_TRACED = 32;

  // confined to `fetcher`
  private List<Object[]> rows = new ArrayList<>();
  private List<Span> processing = new ArrayList<>();
  private List<String> ackSubjects = new ArrayList<>();
  private long batchStartedNanos;

  TypeIngest(
      EventTable table,
      Connection nats,
      ClickHouse clickHouse,
      String database,
      DataStorageConfig.Ingest config,
      BatchLimits limits,
      StorageHealth health,
      DeadLetters deadLetters,
      Counter rowsStored,
      IngestTimings timings,
      Consumer<MarketEvent> listener,
      MessagingSpans messagingSpans,
      Tracer tracer) {
    this.table = table;
    this.nats = nats;
    this.clickHouse = clickHouse;
    this.config = config;
    this.limits = limits;
    this.durable = config.durable() + "-" + MarketDataSubjects.typeToken(table.type());
    this.insertInto = table.insertInto(database, table.hotName());
    this.columnTypes = table.columnTypes();
    this.health = health;
    this.deadLetters = deadLetters;
    this.rowsStored = rowsStored;
    this.timings = timings;
    this.listener = listener;
    this.messagingSpans = messagingSpans;
    this.tracer = tracer;
    this.fetcher = new Thread(this::fetchLoop, "ingest-fetch-" + table.hotName());
    this.inserter = new Thread(this::insertLoop, "ingest-insert-" + table.hotName());
  }

  /** Creates (or updates) the durable consumer and starts consuming. */
  void start() throws IOException, JetStreamApiException {
    ensureDurable();
    inserter.start();
    fetcher.start();
  }

  private void ensureDurable() throws IOException, JetStreamApiException {
    ConsumerConfiguration consumer =
        ConsumerConfiguration.builder()
            .durable(durable)
            .filterSubject(MarketDataSubjects.filter(table.type(), null, null))
            .ackPolicy(AckPolicy.Explicit)
            .deliverPolicy(DeliverPolicy.All)
            .ackWait(config.ackWait())
            .maxAckPending(Math.max(4L * config.batchSize(), 20_000L))
            .build();
    DurableConsumers.ensure(nats.jetStreamManagement(), DefaultStreams.MARKET_DATA, consumer);
  }

  /** Messages on this type's subjects not yet stored: pending in the stream plus delivered and unacked. */
  long lag() throws IOException, JetStreamApiException {
    ConsumerInfo info = nats.jetStreamManagement().getConsumerInfo(DefaultStreams.MARKET_DATA, durable);
    return info.getNumPending() + info.getNumAckPending();
  }

  String durable() {
    return durable;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    fetcher.interrupt();
    inserter.interrupt();
    fetcher.join(TimeUnit.SECONDS.toMillis(10));
    inserter.join(TimeUnit.SECONDS.toMillis(10));
  }

  private void fetchLoop() {
    PullConsumer consumer = null;
    while (running) {
      try {
        if (consumer == null) {
          // keeps pull requests outstanding, so messages flow while this thread decodes
          consumer = new PullConsumer(nats, DefaultStreams.MARKET_DATA, durable, config.fetchSize(),
              PullConsumer.DEFAULT_EXPIRY);
        }
        Message message = consumer.next(fetchWait());
        if (message != null) {
          accept(message);
        }
        if (rows.size() >= limits.batchSize() || (!ackSubjects.isEmpty() && flushDue())) {
          complete.put(new Batch(rows, ackSubjects, processing, batchStartedNanos));
          rows = new ArrayList<>();
          processing = new ArrayList<>();
          ackSubjects = new ArrayList<>();
        }
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
        break;
      } catch (PullConsumer.ConsumerGoneException gone) {
        // someone deleted the durable: make it again (from the stream's start; the tables' keys absorb what is
        // delivered twice) rather than stop storing
        log.warn("ingest of {} lost its consumer ({}); creating it again", table.hotName(), gone.getMessage());
        consumer = stop(consumer);
        if (!sleep(Duration.ofSeconds(1)) || !recreateDurable()) {
          break;
        }
      } catch (RuntimeException | IOException | JetStreamApiException e) {
        if (!running) {
          break;
        }
        // NATS away: keep the batch in memory and try again
        log.warn("ingest of {} cannot fetch: {}", table.hotName(), e.toString());
        consumer = stop(consumer);
        if (!sleep(Duration.ofSeconds(1))) {
          break;
        }
      }
    }
    stop(consumer);
  }

  /** False if the service is stopping. */
  private boolean recreateDurable() {
    while (running) {
      try {
        ensureDurable();
        return true;
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        log.warn("cannot create the consumer {}: {}", durable, e.toString());
        if (!sleep(Duration.ofSeconds(1))) {
          return false;
        }
      }
    }
    return false;
  }

  private static PullConsumer stop(PullConsumer consumer) {
    if (consumer != null) {
      consumer.close();
    }
    return null;
  }

  /**
   * Until the batch is due, at most {@link #LIMITS_CHECK_NANOS}: a flush interval shortened at run time applies
   * within that, not after the old interval.
   */
  private Duration fetchWait() {
    if (ackSubjects.isEmpty()) {
      return Duration.ofNanos(Math.min(limits.flushIntervalNanos(), LIMITS_CHECK_NANOS));
    }
    long remaining = limits.flushIntervalNanos() - (System.nanoTime() - batchStartedNanos);
    return Duration.ofNanos(Math.min(Math.max(remaining, TimeUnit.MILLISECONDS.toNanos(10)), LIMITS_CHECK_NANOS));
  }

  private boolean flushDue() {
    return System.nanoTime() - batchStartedNanos >= limits.flushIntervalNanos();
  }

  private void accept(Message message) throws IOException, JetStreamApiException {
    MarketEvent event;
    try {
      var subject = MarketDataSubjects.parse(message.getSubject())
          .orElseThrow(() -> new EventRows.UnstorableEventException("not a market-data subject"));
      event = MarketEventCodec.decode(subject.type(), message.getData());
      if (!MarketEventCodec.exchange(event).equals(subject.exchange())
          || !MarketEventCodec.symbol(event).equals(subject.symbol())) {
        throw new EventRows.UnstorableEventException("payload's exchange/symbol do not match the subject");
      }
      rows.add(EventRows.toRow(table, event));
      if (ackSubjects.isEmpty()) {
        batchStartedNanos = System.nanoTime();
      }
      ackSubjects.add(message.getReplyTo());
      if (processing.size() < MAX_TRACED) {
        SpanContext publisher = MessagingSpans.publisherOf(message);
        if (publisher.isValid()) {
          processing.add(messagingSpans.startProcess(table.type(), message, publisher, durable));
        }
      }
    } catch (InvalidProtocolBufferException e) {
      deadLetters.send(message, "cannot decode " + MarketDataSubjects.typeToken(table.type()) + ": " + e.getMessage());
      message.ack();
      return;
    } catch (EventRows.UnstorableEventException e) {
      deadLetters.send(message, e.getMessage());
      message.ack();
      return;
    }
    listener.accept(event);
  }

  private void insertLoop() {
    try {
      while (running) {
        insertAndAck(complete.take());
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    }
  }

  /** Inserts the batch, retrying until it succeeds or the service stops, then acks it; traced if its messages are. */
  private void insertAndAck(Batch batch) throws InterruptedException {
    if (batch.processing().isEmpty()) {
      storeAndAck(batch);
      return;
    }
    SpanBuilder store = tracer.spanBuilder("store " + table.hotName())
        .setParent(Context.root().with(batch.processing().get(0)))
        .setSpanKind(SpanKind.INTERNAL)
        .setAttribute(BATCH_MESSAGES, (long) batch.ackSubjects().size())
        .setAttribute(BATCH_TRACED, (long) batch.processing().size());
    batch.processing().forEach(message -> store.addLink(message.getSpanContext()));
    Span span = store.startSpan();
    try (Scope ignored = span.makeCurrent()) {
      storeAndAck(batch);
    } finally {
      span.end();
      batch.processing().forEach(Span::end);
    }
  }

  private void storeAndAck(Batch batch) throws InterruptedException {
    insertWithRetries(batch);
    for (String ackSubject : batch.ackSubjects()) {
      nats.publish(ackSubject, ACK);
    }
    timings.batchStored(table.hotName(), System.nanoTime() - batch.startedNanos());
  }

  private void insertWithRetries(Batch batch) throws InterruptedException {
    int attempt = 0;
    while (!batch.rows().isEmpty()) {
      try {
        long started = System.nanoTime();
        clickHouse.insertRowBinary(insertInto, columnTypes, batch.rows());
        timings.inserted(table.hotName(), System.nanoTime() - started);
        health.reportAvailable();
        rowsStored.labelValues(table.hotName()).inc(batch.rows().size());
        break;
      } catch (SQLException e) {
        health.reportUnavailable(e.getMessage());
        if (attempt == 0) {
          log.warn("insert of {} rows into {} failed, retrying: {}", batch.rows().size(), table.hotName(),
              e.getMessage());
        }
        long backoff = Math.min(config.maxRetryBackoff().toMillis(), 100L << Math.min(attempt++, 10));
        if (!running) {
          throw new InterruptedException("stopping with an unstored batch; it will be redelivered");
        }
        Thread.sleep(backoff);
      }
    }
  }

  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
