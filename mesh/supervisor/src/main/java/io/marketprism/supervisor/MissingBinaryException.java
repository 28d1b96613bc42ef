package io.marketprism.supervisor;

/** A required server binary is not installed; the message says how to install it. */
public final class MissingBinaryException extends IllegalStateException {

  public MissingBinaryException(String message) {
    super(message);
  }
}
