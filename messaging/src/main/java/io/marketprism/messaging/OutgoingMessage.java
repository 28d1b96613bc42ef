package io.marketprism.messaging;

import io.nats.client.impl.Headers;
import java.util.Objects;

/**
 * A message ready for JetStream: its subject, its {@code Nats-Msg-Id} (kept across retries so the stream drops
 * duplicates), headers and payload. Treat the headers and payload as immutable once built.
 */
public record OutgoingMessage(String subject, String messageId, Headers headers, byte[] payload) {

  public OutgoingMessage {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(payload, "payload");
  }
}
