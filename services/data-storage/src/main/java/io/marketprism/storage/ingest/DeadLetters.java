package io.marketprism.storage.ingest;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages that cannot be stored to the dead-letter subject (in {@code SYSTEM_EVENTS}), with the reason and
 * the original subject and stream sequence in headers, so they can be inspected and replayed. Thread-safe.
 */
public final class DeadLetters {

  /** Why the message could not be stored. */
  public static final String ERROR_HEADER = "MarketPrism-Error";

  /** The subject the message was published to. */
  public static final String SUBJECT_HEADER = "MarketPrism-Original-Subject";

  /** Its sequence in MARKET_DATA. */
  public static final String SEQUENCE_HEADER = "MarketPrism-Original-Sequence";

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final JetStream jetStream;
  private final String subject;
  private final Counter counter;

  public DeadLetters(JetStream jetStream, String subject, Counter counter) {
    this.jetStream = jetStream;
    this.subject = subject;
    this.counter = counter;
  }

  /** Publishes {@code message} to the dead-letter subject and waits for the stream's ack. */
  public void send(Message message, String reason) throws IOException, JetStreamApiException {
    Headers headers = new Headers();
    headers.put(ERROR_HEADER, reason);
    headers.put(SUBJECT_HEADER, message.getSubject());
    if (message.isJetStream()) {
      headers.put(SEQUENCE_HEADER, Long.toString(message.metaData().streamSequence()));
    }
    jetStream.publish(NatsMessage.builder().subject(subject).headers(headers).data(message.getData()).build());
    counter.labelValues(message.getSubject().split("\\.")[1]).inc();
    log.warn("dead-lettered a message on {}: {}", message.getSubject(), reason);
  }
}
