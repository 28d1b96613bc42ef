package io.marketprism.config.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final SecretCipher cipher = SecretCipher.of(Map.of("k1", KEY), "k1");

  @Test
  void aSealedValueOpensOnlyForTheEntryItWasSealedFor() {
    SealedSecret sealed = cipher.seal("s3cret", "prod/data-storage/password");
    assertThat(sealed.keyId()).isEqualTo("k1");
    assertThat(cipher.open(sealed, "prod/data-storage/password")).contains("s3cret");
    assertThat(cipher.open(sealed, "prod/scheduler/password")).isEmpty();
  }

  @Test
  void sealingTheSameValueTwiceGivesDifferentCiphertexts() {
    assertThat(cipher.seal("same", "e/n/k").ciphertext()).isNotEqualTo(cipher.seal("same", "e/n/k").ciphertext());
  }

  @Test
  void keysMustBe256BitsAndTheActiveOneListed() {
    assertThatThrownBy(() -> SecretCipher.of(Map.of("short", new byte[16]), "short"))
        .hasMessageContaining("32");
    assertThatThrownBy(() -> SecretCipher.of(Map.of("k1", KEY), "k2")).hasMessageContaining("k2");
  }
}
