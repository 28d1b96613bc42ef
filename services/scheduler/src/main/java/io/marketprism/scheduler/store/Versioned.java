package io.marketprism.scheduler.store;

/** A stored value and the key-value revision it was read at (for compare-and-set writes). */
public record Versioned<T>(T value, long revision) {}
