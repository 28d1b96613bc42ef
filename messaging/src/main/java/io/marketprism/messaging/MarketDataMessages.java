package io.marketprism.messaging;

import io.marketprism.marketdata.v1.MarketEvent;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.Context;

/** Builds the NATS message of a market event: subject, payload and headers. Stateless and thread-safe. */
public final class MarketDataMessages {

  /** JetStream's de-duplication header. */
  public static final String MSG_ID = "Nats-Msg-Id";

  /** The header naming the payload's encoding. */
  public static final String CONTENT_TYPE = "Content-Type";

  private MarketDataMessages() {}

  /** The message for {@code event}, carrying the current trace context. */
  public static OutgoingMessage of(MarketEvent event) {
    return of(event, Context.current());
  }

  /** The message for {@code event}, carrying {@code trace}'s span as {@code traceparent}. */
  public static OutgoingMessage of(MarketEvent event, Context trace) {
    String messageId = MarketEventCodec.messageId(event);
    Headers headers = new Headers();
    headers.put(MSG_ID, messageId);
    headers.put(CONTENT_TYPE, MarketEventCodec.CONTENT_TYPE);
    TraceHeaders.inject(trace, headers);
    return new OutgoingMessage(MarketEventCodec.subject(event), messageId, headers, MarketEventCodec.encode(event));
  }
}
