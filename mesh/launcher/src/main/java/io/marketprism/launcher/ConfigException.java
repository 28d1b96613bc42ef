package io.marketprism.launcher;

/** {@code marketprism.yaml} is invalid; the message names the file and the key. */
public final class ConfigException extends LauncherException {

  public ConfigException(String message) {
    super(message);
  }
}
