package io.marketprism.scheduler.invoke;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.OutgoingMessage;
import io.marketprism.scheduler.v1.NatsPublish;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Publishes the message of a task's {@link NatsPublish} target through the process's {@link BoundedPublisher}, which
 * retries until JetStream acks. The message id is {@code <task>.<run>}: a run published twice (a retry of the
 * publisher, or two instances that both believe they lead) is stored once by a stream with a duplicate window.
 * Thread-safe.
 */
public final class TaskPublisher {

  /** Header with the run's fire time in ns since the epoch, for consumers that act on "the time this was for". */
  public static final String FIRE_TIME_HEADER = "Marketprism-Fire-Time-Ns";

  private final BoundedPublisher publisher;
  private final Executor workers;

  public TaskPublisher(BoundedPublisher publisher, Executor workers) {
    this.publisher = publisher;
    this.workers = workers;
  }

  /**
   * Hands the message to the publisher, waiting up to {@code timeout} for room in its buffer; the future fails with
   * {@code RESOURCE_EXHAUSTED} (retryable by default) if there was none.
   */
  public ListenableFuture<Void> publish(NatsPublish target, String taskId, String runId, long fireTimeNanos,
      Duration timeout) {
    Headers headers = new Headers();
    target.getHeadersMap().forEach(headers::put);
    headers.put(FIRE_TIME_HEADER, Long.toString(fireTimeNanos));
    String messageId = taskId + "." + runId;
    headers.put(MarketDataMessages.MSG_ID, messageId);
    OutgoingMessage message = new OutgoingMessage(target.getSubject(), messageId, headers,
        target.getPayload().toByteArray());
    return Futures.submit(() -> {
      if (!publisher.publish(message, timeout)) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription("the scheduler's NATS publisher had no room within " + timeout).asRuntimeException();
      }
      return null;
    }, workers);
  }
}
