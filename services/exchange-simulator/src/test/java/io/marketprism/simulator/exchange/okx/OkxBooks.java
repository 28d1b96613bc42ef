package io.marketprism.simulator.exchange.okx;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** A client-side OKX book and its checksum, written from OKX's documentation independently of the simulator. */
public final class OkxBooks {

  private OkxBooks() {}

  /** Applies {@code [px, sz, "0", n]} levels; a zero size removes the level. Keeps the strings as sent. */
  public static void apply(TreeMap<BigDecimal, String[]> side, JsonNode levels) {
    for (JsonNode level : levels) {
      BigDecimal price = new BigDecimal(level.get(0).asText());
      if (new BigDecimal(level.get(1).asText()).signum() == 0) {
        side.remove(price);
      } else {
        side.put(price, new String[] {level.get(0).asText(), level.get(1).asText()});
      }
    }
  }

  /** OKX: interleave the top 25 bids and asks as price:size, join with ':', CRC32 as a signed int. */
  public static int checksum(TreeMap<BigDecimal, String[]> bids, TreeMap<BigDecimal, String[]> asks) {
    StringBuilder text = new StringBuilder();
    Iterator<String[]> b = bids.values().iterator();
    Iterator<String[]> a = asks.values().iterator();
    for (int i = 0; i < 25; i++) {
      if (b.hasNext()) {
        String[] level = b.next();
        text.append(text.isEmpty() ? "" : ":").append(level[0]).append(':').append(level[1]);
      }
      if (a.hasNext()) {
        String[] level = a.next();
        text.append(text.isEmpty() ? "" : ":").append(level[0]).append(':').append(level[1]);
      }
    }
    CRC32 crc = new CRC32();
    crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }
}
