package io.marketprism.storage.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.messaging.TraceHeaders;
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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
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
 * <p>Tracing: each insert is a span linked to the publishers' spans ({@code traceparent}) of up to 32 of its
 * messages; a span per message would cost more than the insert at these rates.
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
  private final Tracer tracer;
  private final Thread fetcher;
  private final Thread inserter;
  /** Complete batches on their way from the fetch thread to the insert thread. */
  private final BlockingQueue<Batch> complete = new ArrayBlockingQueue<>(1);

  private volatile boolean running = true;

  /**
   * Rows to insert, the ack subjects of the messages they came from (acked once stored), and traces of some of their
   * publishers. Only the ack subject of a message is kept, not the message: a batch lives through several young
   * collections, and 50,000 messages with their payloads and parsed headers cost far more to copy than their rows.
   */
  private record Batch(List<Object[]> rows, List<String> ackSubjects, List<SpanContext> traces, long startedNanos) {}

  /** JetStream's positive acknowledgement, published to a message's reply subject (what {@code Message.ack()} does). */
  private static final byte[] ACK = "+ACK".getBytes(StandardCharsets.US_ASCII);

  /** Publisher traces linked from one insert span: enough to find the insert from a publish, bounded. */
  private static final int MAX_LINKS = 32;

  // confined to `fetcher`
  private List<Object[]> rows = new ArrayList<>();
  private List<SpanContext> traces = new ArrayList<>();
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
          complete.put(new Batch(rows, ackSubjects, traces, batchStartedNanos));
          rows = new ArrayList<>();
          traces = new ArrayList<>();
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
      if (traces.size() < MAX_LINKS && message.hasHeaders()
          && message.getHeaders().getFirst(TraceHeaders.TRACEPARENT) != null) {
        SpanContext publisher = Span.fromContext(TraceHeaders.extract(message.getHeaders())).getSpanContext();
        if (publisher.isValid()) {
          traces.add(publisher);
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

  /** Inserts the batch, retrying until it succeeds or the service stops, then acks it. */
  private void insertAndAck(Batch batch) throws InterruptedException {
    SpanBuilder spanBuilder = tracer.spanBuilder("insert " + table.hotName()).setNoParent()
        .setSpanKind(SpanKind.CONSUMER).setAttribute("db.system", "clickhouse")
        .setAttribute("marketprism.rows", (long) batch.rows().size());
    batch.traces().forEach(spanBuilder::addLink);
    Span span = spanBuilder.startSpan();
    try {
      insertWithRetries(batch);
      for (String ackSubject : batch.ackSubjects()) {
        nats.publish(ackSubject, ACK);
      }
      timings.batchStored(table.hotName(), System.nanoTime() - batch.startedNanos());
    } finally {
      span.end();
    }
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
