package io.marketprism.config.secrets;

/**
 * A value encrypted with AES-GCM: the id of the key that sealed it (so that keys can rotate: old values stay readable
 * while the key is still listed), the 12-byte nonce and the ciphertext with its tag. Binary parts are base64.
 */
public record SealedSecret(String keyId, String nonce, String ciphertext) {}
