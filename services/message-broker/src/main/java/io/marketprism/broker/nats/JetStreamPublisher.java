package io.marketprism.broker.nats;

import io.grpc.Status;
import io.marketprism.broker.v1.Header;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.broker.v1.PublishResponse;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;

/**
 * Publishes one message to JetStream and waits for the stream's ack. {@code msg_id} becomes {@code Nats-Msg-Id},
 * the {@code expected_*} fields become {@code Nats-Expected-*} headers. Thread-safe: holds only the shared
 * connection.
 */
public final class JetStreamPublisher {

  private final NatsCalls nats;
  private final JetStream jetStream;

  public JetStreamPublisher(Connection connection) throws IOException {
    this.nats = new NatsCalls(connection);
    this.jetStream = connection.jetStream();
  }

  /** The server's largest accepted message, in bytes. */
  public long maxPayload() {
    return nats.connection().getMaxPayload();
  }

  /** Publishes a validated request. A subject no stream captures is {@code NOT_FOUND}. */
  public PublishResponse publish(PublishRequest request) {
    Headers headers = new Headers();
    for (Header header : request.getHeadersList()) {
      headers.add(header.getName(), header.getValue());
    }
    PublishOptions.Builder options = PublishOptions.builder();
    if (!request.getMsgId().isEmpty()) {
      options.messageId(request.getMsgId());
    }
    if (!request.getExpectedStream().isEmpty()) {
      options.expectedStream(request.getExpectedStream());
    }
    if (request.hasExpectedLastSequence()) {
      options.expectedLastSequence(request.getExpectedLastSequence());
    }
    NatsMessage message =
        NatsMessage.builder()
            .subject(request.getSubject())
            .headers(headers)
            .data(request.getPayload().toByteArray())
            .build();
    String what = "publish to " + request.getSubject();
    PublishAck ack =
        nats.call(
            what,
            () -> {
              try {
                return jetStream.publish(message, options.build());
              } catch (IOException e) {
                // JetStream answers "no responders" when no stream captures the subject.
                if (String.valueOf(e.getMessage()).contains("503")) {
                  throw Status.NOT_FOUND
                      .withDescription(what + ": no stream captures subject " + request.getSubject())
                      .asRuntimeException();
                }
                throw e;
              }
            });
    return PublishResponse.newBuilder()
        .setStream(ack.getStream())
        .setSequence(ack.getSeqno())
        .setDuplicate(ack.isDuplicate())
        .build();
  }
}
