package io.marketprism.collector.exchange;

import io.marketprism.marketdata.v1.Instrument;

/**
 * One exchange's mapping between its instrument names and normalized symbols ({@link SymbolFormat}).
 * Implementations are immutable and thread-safe.
 */
public interface SymbolMapper {
  /**
   * The instrument named {@code nativeSymbol}, with its normalized symbol and parts, or null when the name
   * is not one this collector supports (the caller counts a {@link RejectReason#UNKNOWN_SYMBOL}).
   */
  Instrument fromNative(String nativeSymbol);

  /** The exchange's name for a normalized symbol, or null when the exchange cannot list it. */
  String toNative(String symbol);
}
