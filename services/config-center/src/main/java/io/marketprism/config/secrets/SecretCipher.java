package io.marketprism.config.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens secret values with AES-256-GCM. New values are sealed with the active key; any listed key opens
 * the values it sealed, so a key is rotated by adding a new one, making it active, and removing the old one only once
 * every value sealed with it has been written again. The entry's name is the additional authenticated data, so a
 * ciphertext copied to another key's entry does not open. Thread-safe: a {@link Cipher} is made per call.
 */
public final class SecretCipher {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKey> keys;
  private final String activeKeyId;
  private final SecureRandom random = new SecureRandom();

  private SecretCipher(Map<String, SecretKey> keys, String activeKeyId) {
    this.keys = Map.copyOf(keys);
    this.activeKeyId = activeKeyId;
  }

  /**
   * A cipher over {@code keys} (id → 32 key bytes), sealing with {@code activeKeyId}.
   *
   * @throws IllegalArgumentException if a key is not 32 bytes or the active id is not listed
   */
  public static SecretCipher of(Map<String, byte[]> keys, String activeKeyId) {
    Map<String, SecretKey> specs = new LinkedHashMap<>();
    keys.forEach(
        (id, bytes) -> {
          if (bytes.length != 32) {
            throw new IllegalArgumentException("secret key " + id + " has " + bytes.length + " bytes; AES-256 needs 32");
          }
          specs.put(id, new SecretKeySpec(bytes, "AES"));
        });
    if (!specs.containsKey(activeKeyId)) {
      throw new IllegalArgumentException("active secret key " + activeKeyId + " is not among the keys " + specs.keySet());
    }
    return new SecretCipher(specs, activeKeyId);
  }

  public String activeKeyId() {
    return activeKeyId;
  }

  /** Encrypts {@code plaintext} for the entry named {@code context}. */
  public SealedSecret seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), nonce, context);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      Base64.Encoder base64 = Base64.getEncoder();
      return new SealedSecret(activeKeyId, base64.encodeToString(nonce), base64.encodeToString(sealed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Decrypts a value sealed for the entry named {@code context}; empty if its key is no longer listed or the
   * ciphertext does not authenticate (tampered, or sealed for another entry).
   */
  public Optional<String> open(SealedSecret sealed, String context) {
    SecretKey key = keys.get(sealed.keyId());
    if (key == null) {
      return Optional.empty();
    }
    try {
      Base64.Decoder base64 = Base64.getDecoder();
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, base64.decode(sealed.nonce()), context);
      return Optional.of(new String(cipher.doFinal(base64.decode(sealed.ciphertext())), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String context) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
