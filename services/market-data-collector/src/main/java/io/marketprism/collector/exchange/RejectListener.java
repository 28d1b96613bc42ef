package io.marketprism.collector.exchange;

/** Told about every unusable frame (the feed has already counted it). */
@FunctionalInterface
public interface RejectListener {
  /** Called on the feed's thread. */
  void onReject(FrameReject reject);
}
