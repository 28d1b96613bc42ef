package io.marketprism.scheduler.store;

/** The key-value store could not be reached or answered with an error; the API answers UNAVAILABLE. */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
