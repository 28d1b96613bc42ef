package io.marketprism.storage.publish;

import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.MarketDataMessages;
import io.marketprism.messaging.OutgoingMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the events a client writes to JetStream exactly as the collector publishes collected ones (same subject,
 * codec and {@code Nats-Msg-Id}, from {@link MarketDataMessages}), so that storage's ingest stores both by one path,
 * and waits until the stream has acknowledged every one.
 *
 * <p>Not {@link io.marketprism.messaging.BoundedPublisher}: that one sheds under load and settles acks for the
 * publisher as a whole, which suits a feed; a write call must tell its caller that each of its records is durable,
 * so it awaits the acks of its own batch (the batch limit bounds what one call has in flight). Thread-safe: a
 * {@link JetStream} context is a view on the thread-safe connection.
 */
public final class AckedPublisher {

  private final JetStream jetStream;

  public AckedPublisher(Connection connection) throws IOException {
    this.jetStream = connection.jetStream();
  }

  /** Of one batch: how many the stream acknowledged, and how many of those it already held (deduplicated). */
  public record Outcome(int acked, int duplicates) {}

  /**
   * Publishes {@code events} and waits up to {@code timeout} for all their acks.
   *
   * @throws TimeoutException if some were not acked in time (the others are stored; publishing the same events
   *     again is safe: their message ids make the stream drop copies it has)
   * @throws IOException if the stream rejected a publish
   */
  public Outcome publish(List<MarketEvent> events, Duration timeout)
      throws IOException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(events.size());
    for (MarketEvent event : events) {
      OutgoingMessage message = MarketDataMessages.of(event);
      acks.add(jetStream.publishAsync(NatsMessage.builder()
          .subject(message.subject())
          .headers(message.headers())
          .data(message.payload())
          .build()));
    }
    int duplicates = 0;
    for (CompletableFuture<PublishAck> ack : acks) {
      try {
        if (ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).isDuplicate()) {
          duplicates++;
        }
      } catch (ExecutionException e) {
        throw new IOException("JetStream rejected a publish: " + e.getCause().getMessage(), e.getCause());
      }
    }
    return new Outcome(acks.size(), duplicates);
  }
}
