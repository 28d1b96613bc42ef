package io.marketprism.broker.subscribe;

import io.marketprism.broker.v1.DeliveredMessage;
import java.time.Duration;
import java.util.List;

/**
 * Where a subscription's messages come from: a JetStream consumer at the edge, fetched in batches no larger than the
 * credit the client has granted.
 *
 * <p>Implementations must allow {@link #ack} from the request thread while the delivery loop is in {@link #fetch}.
 */
public interface MessageSource extends AutoCloseable {

  /** Up to {@code max} messages, waiting at most {@code wait} for the first; empty if none arrived. */
  List<DeliveredMessage> fetch(int max, Duration wait) throws Exception;

  /** Acknowledges messages by stream sequence; unknown or already acknowledged ones are ignored. */
  void ack(List<Long> sequences);

  /** Matching messages waiting in the stream, as far as known. */
  long numPending();

  /** Releases the consumer (an ephemeral one is deleted). Never throws. */
  @Override
  void close();
}
