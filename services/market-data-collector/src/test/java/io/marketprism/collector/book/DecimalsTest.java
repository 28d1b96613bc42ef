package io.marketprism.collector.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalsTest {
  @ParameterizedTest
  @ValueSource(strings = {"0", "42219.9", "0.00010000", "-0.0001", "100"})
  void plainDecimalsAreAccepted(String text) {
    assertThat(Decimals.isPlain(text)).isTrue();
    assertThat(Decimals.isPlain(inBuffer(text), 2, text.length())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", ".5", "5.", "1e5", "+1", "1,000", "1.2.3", " 1", "NaN"})
  void anythingElseIsNotAPlainDecimal(String text) {
    assertThat(Decimals.isPlain(text)).isFalse();
    assertThat(Decimals.isPlain(inBuffer(text), 2, text.length())).isFalse();
  }

  /** {@code text} inside a larger buffer, as a parser holds it: the bounds must be respected. */
  private static char[] inBuffer(String text) {
    return ("9." + text + "5").toCharArray();
  }

  @ParameterizedTest
  @CsvSource({
      "42219.90000001, 42219.90000001",
      "8950.0, 8950.0",
      "1e-05, 0.00001",
      "1.5E+2, 150",
      "2.5e3, 2500",
      "-3E-7, -0.0000003",
  })
  void jsonNumberLiteralsBecomeExactPlainDecimals(String literal, String plain) {
    assertThat(Decimals.plainFromJsonNumber(literal)).isEqualTo(plain);
  }

  @ParameterizedTest
  @CsvSource({"0, true", "0.000, true", "-0, true", "0.001, false", "10, false"})
  void zeroIsRecognisedInAnySpelling(String text, boolean zero) {
    assertThat(Decimals.isZero(text)).isEqualTo(zero);
  }

  @ParameterizedTest
  @CsvSource({
      "100, 100.0, 0", "9.5, 10, -1", "0.001, 0.0009, 1", "-1, 0, -1", "-0, 0, 0", "-2.5, -2.45, -1",
      "00012, 12.000, 0", "42219.9, 42219.90000001, -1",
      // same shape (length and point), the book's common case
      "42219.90, 42219.09, 1", "099.9, 100.5, -1", "0.0024, 0.0022, 1", "1234, 1234, 0",
  })
  void comparesPlainDecimalsByValue(String a, String b, int expected) {
    assertThat(Integer.signum(Decimals.compare(a, b))).isEqualTo(expected);
    assertThat(Integer.signum(Decimals.compare(b, a))).isEqualTo(-expected);
  }

  @Test
  void orderAgreesWithBigDecimalOnRandomDecimals() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String a = randomDecimal(random);
      String b = randomDecimal(random);
      assertThat(Integer.signum(Decimals.compare(a, b)))
          .as("%s vs %s", a, b)
          .isEqualTo(new BigDecimal(a).compareTo(new BigDecimal(b)));
    }
  }

  @Test
  void orderAgreesWithBigDecimalOnRandomDecimalsOfOneShape() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      String a = String.format("%05d.%03d", random.nextInt(100_000), random.nextInt(1000));
      String b = String.format("%05d.%03d", random.nextInt(100_000), random.nextInt(1000));
      assertThat(Integer.signum(Decimals.compare(a, b)))
          .as("%s vs %s", a, b)
          .isEqualTo(new BigDecimal(a).compareTo(new BigDecimal(b)));
    }
  }

  private static String randomDecimal(Random random) {
    StringBuilder text = new StringBuilder();
    if (random.nextInt(4) == 0) {
      text.append('-');
    }
    text.append(random.nextInt(3) == 0 ? 0 : random.nextInt(1000));
    if (random.nextBoolean()) {
      text.append('.');
      int digits = 1 + random.nextInt(4);
      for (int d = 0; d < digits; d++) {
        text.append(random.nextInt(3) == 0 ? '0' : (char) ('0' + random.nextInt(10)));
      }
    }
    return text.toString();
  }
}
