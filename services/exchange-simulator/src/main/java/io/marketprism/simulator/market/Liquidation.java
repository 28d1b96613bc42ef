package io.marketprism.simulator.market;

/** A forced close of a position: {@code side} is the liquidation order's side (SELL closes a long). */
public record Liquidation(Side side, long priceTicks, long sizeLots, long timeMs) {}
