package io.marketprism.collector.exchange;

import io.marketprism.marketdata.v1.Instrument;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Native instrument name → normalized {@link Instrument}, resolved once per name through an exchange's symbol mapping:
 * every frame names its instrument, and parsing the name again per frame would cost more than the rest of the
 * lookup. Confined to the feed's thread, like the feed that owns it.
 */
public final class InstrumentCache {

  private final Map<String, Instrument> byNativeName = new HashMap<>();
  private final Function<String, Instrument> lookup;
  private final String noun;

  /**
   * @param lookup the exchange's mapping, returning null for a name it does not know
   * @param noun what the exchange calls it in a reject message ("instrument", "symbol")
   */
  public InstrumentCache(Function<String, Instrument> lookup, String noun) {
    this.lookup = lookup;
    this.noun = noun;
  }

  /**
   * The instrument named {@code nativeName}, read from the frame's {@code field}.
   *
   * @throws FrameRejectedException {@code MISSING_FIELD} when the name is absent, {@code UNKNOWN_SYMBOL} when the
   *     mapping does not know it
   */
  public Instrument get(String nativeName, String field) throws FrameRejectedException {
    if (nativeName == null) {
      throw JsonReading.missing(field);
    }
    Instrument instrument = byNativeName.get(nativeName);
    if (instrument == null) {
      instrument = lookup.apply(nativeName);
      if (instrument == null) {
        throw new FrameRejectedException(RejectReason.UNKNOWN_SYMBOL, "unknown " + noun + " \"" + nativeName + "\"");
      }
      byNativeName.put(nativeName, instrument);
    }
    return instrument;
  }
}
