package io.marketprism.gateway.security;

import java.util.Base64;

/** The HS256 key file's format: the key's bytes in base64url (no padding), one line; the launcher writes it so. */
final class HmacKeys {

  private HmacKeys() {}

  static byte[] decode(String fileText) {
    try {
      return Base64.getUrlDecoder().decode(fileText.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("security.jwt.hs256-key-file is not base64url: " + e.getMessage());
    }
  }
}
