package io.marketprism.messaging;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where JetStream's publish acks arrive: one inbox subscription of our own, each publish naming {@code
 * <inbox>.<token>} as its reply subject, each ack handed to a listener by token. jnats' {@code publishAsync} does the
 * same through a future, a response-map entry and a full JSON parse per ack; at tens of thousands of publishes a
 * second that is a measurable share of the publisher's CPU, and the publisher needs only three facts of an ack: stored,
 * stored before (a duplicate), or refused and why.
 *
 * <p>Thread-safe. The listener is called on one jnats dispatcher thread, in the order the acks arrive.
 */
final class PublishAcks implements AutoCloseable {

  /** What becomes of one publish. */
  interface Listener {
    void acked(long token, boolean duplicate);

    void failed(long token, Exception error);
  }

  /** How a refusal starts: nats-server writes the error member first ({@code {"error":{"code":…}}}). */
  private static final byte[] ERROR = "{\"error\"".getBytes(StandardCharsets.US_ASCII);
  /** The member a repeated message id adds: {@code "duplicate": true} (nats-server 2.9 writes the space). */
  private static final byte[] DUPLICATE = "\"duplicate\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);

  private final Connection connection;
  private final String prefix;
  private final Dispatcher dispatcher;
  private final Listener listener;

  PublishAcks(Connection connection, Listener listener) {
    this.connection = connection;
    this.listener = listener;
    String inbox = connection.createInbox();
    this.prefix = inbox + ".";
    this.dispatcher = connection.createDispatcher(this::onAck);
    dispatcher.subscribe(inbox + ".*");
  }

  /** The reply subject of the publish {@code token}. */
  String replyTo(long token) {
    return prefix + token;
  }

  private void onAck(Message ack) {
    long token;
    try {
      token = Long.parseLong(ack.getSubject().substring(prefix.length()));
    } catch (RuntimeException notOurs) {
      return;
    }
    if (ack.isStatusMessage()) {
      Status status = ack.getStatus();
      listener.failed(token, new IOException(status.getCode() == Status.NO_RESPONDERS_CODE
          ? "no JetStream stream takes this subject (no responders)"
          : "JetStream answered " + status.getMessageWithCode()));
      return;
    }
    byte[] body = ack.getData() == null ? new byte[0] : ack.getData();
    if (matchesAt(body, ERROR, 0)) {
      listener.failed(token, new IOException("JetStream refused the publish: "
          + new String(body, StandardCharsets.UTF_8)));
    } else {
      listener.acked(token, isDuplicate(body));
    }
  }

  /** Whether the ack says {@code "duplicate": true}, with or without blanks around the colon. */
  private static boolean isDuplicate(byte[] body) {
    for (int at = 0; at + DUPLICATE.length <= body.length; at++) {
      if (matchesAt(body, DUPLICATE, at)) {
        int value = at + DUPLICATE.length;
        while (value < body.length && (body[value] == ' ' || body[value] == ':')) {
          value++;
        }
        return matchesAt(body, TRUE, value);
      }
    }
    return false;
  }

  /** Whether {@code part} stands in {@code text} at {@code at}: an ack is a few dozen bytes, so a plain scan will do. */
  private static boolean matchesAt(byte[] text, byte[] part, int at) {
    return at + part.length <= text.length && Arrays.equals(text, at, at + part.length, part, 0, part.length);
  }

  @Override
  public void close() {
    if (connection.getStatus() != Connection.Status.CLOSED) {
      connection.closeDispatcher(dispatcher);
    }
  }
}
