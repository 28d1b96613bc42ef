package io.marketprism.simulator.exchange.okx;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * OKX's order-book checksum: the top 25 levels interleaved bid, ask, bid, ask... each as {@code price:size} in the
 * exact strings sent, joined with {@code :} (when one side is shorter, the other's remaining levels follow alone),
 * CRC32 of that text, as a signed 32-bit integer.
 */
public final class OkxChecksum {

  /** Levels per side that the checksum covers. */
  public static final int DEPTH = 25;

  private OkxChecksum() {}

  /**
   * @param bids best first, each {@code [price, size]} as sent
   * @param asks best first, each {@code [price, size]} as sent
   */
  public static int of(List<String[]> bids, List<String[]> asks) {
    StringBuilder text = new StringBuilder(1024);
    for (int i = 0; i < DEPTH; i++) {
      if (i < bids.size()) {
        append(text, bids.get(i));
      }
      if (i < asks.size()) {
        append(text, asks.get(i));
      }
    }
    CRC32 crc = new CRC32();
    crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }

  private static void append(StringBuilder text, String[] level) {
    if (!text.isEmpty()) {
      text.append(':');
    }
    text.append(level[0]).append(':').append(level[1]);
  }
}
