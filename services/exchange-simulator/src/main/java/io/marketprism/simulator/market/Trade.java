package io.marketprism.simulator.market;

/** A print: the taker's side, price and size; ids count up per market from 1. */
public record Trade(long id, Side takerSide, long priceTicks, long sizeLots, long timeMs) {}
