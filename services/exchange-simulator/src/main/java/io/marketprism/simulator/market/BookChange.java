package io.marketprism.simulator.market;

/**
 * One price level's new state. {@code sizeLots == 0} removes the level.
 *
 * @param kind whether the level is new, changed or deleted (Deribit spells this out; the others infer it)
 */
public record BookChange(Kind kind, Side side, long priceTicks, long sizeLots) {

  /** What happened to the level, in Deribit's words. */
  public enum Kind {
    NEW,
    CHANGE,
    DELETE
  }
}
