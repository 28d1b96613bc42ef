package io.marketprism.messaging;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.support.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
    if (startsWith(body, ERROR)) {
      listener.failed(token, new IOException("JetStream refused the publish: "
          + new String(body, StandardCharsets.UTF_8)));
    } else {
      listener.acked(token, isDuplicate(body));
    }
  }

  private static boolean startsWith(byte[] text, byte[] prefix) {
    if (text == null || text.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (text[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the ack says {@code "duplicate": true}, with or without blanks around the colon. */
  private static boolean isDuplicate(byte[] body) {
    int at = indexOf(body, DUPLICATE);
    if (at < 0) {
      return false;
    }
    int i = at + DUPLICATE.length;
    while (i < body.length && (body[i] == ' ' || body[i] == ':')) {
      i++;
    }
    return i + TRUE.length <= body.length && indexOf(body, TRUE, i) == i;
  }

  private static int indexOf(byte[] text, byte[] part) {
    return indexOf(text, part, 0);
  }

  /** Where {@code part} first occurs in {@code text} from {@code from}, or -1: an ack is a few dozen bytes. */
  private static int indexOf(byte[] text, byte[] part, int from) {
    outer:
    for (int i = from; i + part.length <= text.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (text[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    if (connection.getStatus() != Connection.Status.CLOSED) {
      connection.closeDispatcher(dispatcher);
    }
  }
}
