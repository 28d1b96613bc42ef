package io.marketprism.collector.exchange;

/** What {@link ExchangeFeed#handle} made of one frame. */
public enum FrameOutcome {
  /** A data frame: zero or more events went to the listener (zero when a book is awaiting a snapshot). */
  DATA,
  /** A control frame (subscription ack, pong, heartbeat): nothing to publish. */
  CONTROL,
  /**
   * Deribit's {@code test_request} heartbeat: the connection must answer with {@code public/test} or the
   * exchange closes it.
   */
  TEST_REQUEST,
  /** The frame was rejected; the listener got a {@link FrameReject}. */
  REJECTED
}
