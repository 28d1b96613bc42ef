package io.marketprism.collector.exchange;

/**
 * One unusable frame: which exchange, why, a human-readable detail and the start of the frame.
 *
 * @param exchange lower-case exchange name
 * @param reason the counted category
 * @param detail what exactly was wrong, e.g. {@code missing field "p"}
 * @param sample the frame, cut to {@link #SAMPLE_CHARS} characters
 */
public record FrameReject(String exchange, RejectReason reason, String detail, String sample) {
  /** Frames are cut to this many characters in samples, so a huge frame cannot flood a log. */
  public static final int SAMPLE_CHARS = 200;

  /** Cuts {@code frame} to a sample. */
  public static String sampleOf(CharSequence frame) {
    if (frame.length() <= SAMPLE_CHARS) {
      return frame.toString();
    }
    return frame.subSequence(0, SAMPLE_CHARS) + "...";
  }

  @Override
  public String toString() {
    return reason + ": " + detail;
  }
}
