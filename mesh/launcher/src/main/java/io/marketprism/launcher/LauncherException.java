package io.marketprism.launcher;

/**
 * An error the operator can act on; the command prints its message (no stack trace) and exits
 * non-zero.
 */
public class LauncherException extends RuntimeException {

  public LauncherException(String message) {
    super(message);
  }

  public LauncherException(String message, Throwable cause) {
    super(message, cause);
  }
}
