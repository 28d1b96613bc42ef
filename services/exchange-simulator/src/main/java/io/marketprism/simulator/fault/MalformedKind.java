package io.marketprism.simulator.fault;

/** How a data frame is broken when the malformed-frame fault fires. */
public enum MalformedKind {
  /** The frame is cut in half: not JSON any more. */
  INVALID_JSON,
  /** One field of the event object is removed: valid JSON a strict parser must reject. */
  MISSING_FIELD,
  /** Either of the above, at random. */
  ANY
}
