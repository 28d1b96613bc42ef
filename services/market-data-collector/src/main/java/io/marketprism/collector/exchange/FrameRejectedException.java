package io.marketprism.collector.exchange;

/**
 * Thrown inside a feed's parser to abandon a frame; {@link ExchangeFeed#handle} turns it into a
 * {@link FrameReject}. It never leaves the feed. No stack trace: it is control flow on a hot path.
 */
public final class FrameRejectedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final RejectReason reason;

  public FrameRejectedException(RejectReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
