package io.marketprism.kit;

/** The service could not start (port in use, a resource failed to open, a start hook threw). */
public final class StartupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
