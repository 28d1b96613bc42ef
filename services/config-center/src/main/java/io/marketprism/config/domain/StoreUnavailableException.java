package io.marketprism.config.domain;

/** The store could not be reached or answered with an error: the call may be retried (UNAVAILABLE). */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
