package io.marketprism.config.nats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketprism.config.domain.GrayRule;
import io.marketprism.config.domain.StoredValue;
import io.marketprism.config.domain.ValueType;
import io.marketprism.config.secrets.SealedSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bytes of a version in the key-value bucket: a small JSON document, readable with {@code nats kv get} for
 * everything but a secret's value, which is only ever stored sealed. Thread-safe.
 *
 * <pre>{@code
 * {"value":"...","type":"JSON","by":"spiffe://marketprism/service/x"}
 * {"type":"STRING","by":"alice;role=admin","sealed":{"keyId":"k1","nonce":"...","ciphertext":"..."}}
 * {"type":"STRING","by":"alice;role=admin","deleted":true}
 * }</pre>
 */
final class StoredValueCodec {

  // a newer config center may add fields: an older one still reads what it knows
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_DEFAULT)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private StoredValueCodec() {}

  /** The JSON form; field names are part of the stored format, so they are fixed here, not by the record. */
  record Stored(String value, String type, String by, boolean deleted, SealedSecret sealed, Gray gray) {}

  /** A gray release's rule as stored. */
  record Gray(List<String> services, List<String> versions, List<String> zones, List<String> instances, int percentage) {

    static Gray of(GrayRule rule) {
      return rule == null
          ? null
          : new Gray(rule.services(), rule.versions(), rule.zones(), rule.instanceIds(), rule.percentage());
    }

    GrayRule rule() {
      return new GrayRule(orEmpty(services), orEmpty(versions), orEmpty(zones), orEmpty(instances), percentage);
    }

    private static List<String> orEmpty(List<String> list) {
      return list == null ? List.of() : list;
    }
  }

  static byte[] encode(StoredValue value) {
    try {
      return JSON.writeValueAsBytes(
          new Stored(
              value.text(), value.type().name(), value.updatedBy(), value.deleted(), value.sealed(), Gray.of(value.grayRule())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a version; a value written by something else than the config center (say {@code nats kv put}) reads as a
   * plain string by nobody known, so that it is still served rather than hidden.
   */
  static StoredValue decode(byte[] bytes) {
    try {
      Stored stored = JSON.readValue(bytes, Stored.class);
      return new StoredValue(
          stored.value() == null ? "" : stored.value(),
          stored.type() == null ? ValueType.STRING : ValueType.valueOf(stored.type()),
          stored.by() == null ? "" : stored.by(),
          stored.deleted(),
          stored.sealed(),
          stored.gray() == null ? null : stored.gray().rule());
    } catch (IOException | IllegalArgumentException notOurs) {
      return StoredValue.plain(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), ValueType.STRING, "");
    }
  }
}
