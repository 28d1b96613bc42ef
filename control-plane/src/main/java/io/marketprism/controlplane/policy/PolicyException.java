package io.marketprism.controlplane.policy;

/** A mesh policy file is invalid; the message names the field ({@code services.data-storage.split[1].weight}). */
public final class PolicyException extends Exception {

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
