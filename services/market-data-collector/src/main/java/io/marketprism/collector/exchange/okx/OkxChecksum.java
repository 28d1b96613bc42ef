package io.marketprism.collector.exchange.okx;

import io.marketprism.collector.book.OrderBook;
import io.marketprism.marketdata.v1.Level;
import java.util.Iterator;
import java.util.zip.CRC32;

/**
 * OKX's order book checksum: CRC32 of the best 25 bids and asks interleaved as
 * {@code bid1px:bid1sz:ask1px:ask1sz:bid2px:...} (when one side runs out, the other continues alone),
 * over the exchange's own price and size text, read as a signed 32-bit integer. Reuses its buffers, so one
 * instance belongs to one feed (not thread-safe).
 */
final class OkxChecksum {
  static final int LEVELS = 25;

  private final StringBuilder text = new StringBuilder(1024);
  private final CRC32 crc = new CRC32();
  private byte[] bytes = new byte[1024];

  int of(OrderBook book) {
    text.setLength(0);
    Iterator<Level> bids = book.bids();
    Iterator<Level> asks = book.asks();
    for (int i = 0; i < LEVELS && (bids.hasNext() || asks.hasNext()); i++) {
      if (bids.hasNext()) {
        append(bids.next());
      }
      if (asks.hasNext()) {
        append(asks.next());
      }
    }
    int n = text.length();
    if (n > 0) {
      n--; // the trailing ':'
    }
    if (bytes.length < n) {
      bytes = new byte[Math.max(n, bytes.length * 2)];
    }
    // Prices and sizes are ASCII digits, '.', '-'; a char is its byte.
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) text.charAt(i);
    }
    crc.reset();
    crc.update(bytes, 0, n);
    return (int) crc.getValue();
  }

  private void append(Level level) {
    text.append(level.getPrice()).append(':').append(level.getAmount()).append(':');
  }
}
