package io.marketprism.gateway.security;

/** Credentials that were missing or did not prove who the caller is; the message is safe to show the caller. */
public final class AuthenticationException extends Exception {

  public AuthenticationException(String message) {
    super(message, null, false, false);
  }
}
