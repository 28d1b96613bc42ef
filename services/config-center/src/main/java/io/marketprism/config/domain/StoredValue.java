package io.marketprism.config.domain;

import io.marketprism.config.secrets.SealedSecret;
import java.util.Objects;

/**
 * What one version of an entry holds in the store. A secret's text is never here in clear: {@code text} is empty and
 * {@code sealed} carries the ciphertext and the id of the key that sealed it. A deletion is stored as a version of its
 * own (a tombstone) so that it keeps who deleted the key.
 *
 * @param text the value; empty for secrets and deletions
 * @param type how the value was checked
 * @param updatedBy the caller who wrote this version
 * @param deleted true for a tombstone
 * @param sealed the encrypted value of a secret, else null
 * @param grayRule for a gray release's value, who gets it; else null
 */
public record StoredValue(
    String text, ValueType type, String updatedBy, boolean deleted, SealedSecret sealed, GrayRule grayRule) {

  public StoredValue {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(updatedBy, "updatedBy");
  }

  public static StoredValue plain(String text, ValueType type, String updatedBy) {
    return new StoredValue(text, type, updatedBy, false, null, null);
  }

  public static StoredValue gray(String text, ValueType type, String updatedBy, GrayRule rule) {
    return new StoredValue(text, type, updatedBy, false, null, rule);
  }

  public static StoredValue secret(SealedSecret sealed, ValueType type, String updatedBy) {
    return new StoredValue("", type, updatedBy, false, sealed, null);
  }

  public static StoredValue tombstone(String updatedBy) {
    return new StoredValue("", ValueType.STRING, updatedBy, true, null, null);
  }

  public boolean isSecret() {
    return sealed != null;
  }
}
