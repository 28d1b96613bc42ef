package io.marketprism.monitoring.store;

/** The JetStream bucket could not be read or written; the API answers UNAVAILABLE. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
