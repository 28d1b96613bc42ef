package io.marketprism.broker.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectsTest {

  @ParameterizedTest
  @ValueSource(strings = {"md.trade.binance.BTC-USDT", "md.>", "md.*.binance.>", "*", ">", "a.b_c.d-e"})
  void validFiltersAreAccepted(String subject) {
    assertThat(Subjects.filterProblem(subject)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "md..trade", ".md", "md.", "md trade", "md.>.x", "md.tr*de", "md.a>", "md.\u00e9"})
  void malformedFiltersAreRejected(String subject) {
    assertThat(Subjects.filterProblem(subject)).isPresent();
  }

  @Test
  void literalSubjectsRejectWildcards() {
    assertThat(Subjects.literalProblem("md.trade.*")).hasValueSatisfying(p -> assertThat(p).contains("wildcards"));
    assertThat(Subjects.literalProblem("md.trade.x")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "md.>, md.trade, true",
    "md.*, md.trade.x, false",
    "md.*.x, md.trade.*, true",
    "md.a, md.b, false",
    "md.a, md.a.b, false",
    ">, anything.at.all, true",
    "sys.>, md.>, false"
  })
  void overlapIsSymmetricAndTokenWise(String a, String b, boolean overlap) {
    assertThat(Subjects.overlap(a, b)).isEqualTo(overlap);
    assertThat(Subjects.overlap(b, a)).isEqualTo(overlap);
  }

  @ParameterizedTest
  @CsvSource({
    "md.trade.>, md.>, true",
    "md.>, md.trade.>, false",
    "md.trade.x, md.*.x, true",
    "md.*.x, md.trade.x, false",
    "md.a.>, md.a.*, false",
    "md.a.b, md.a.*, true",
    "md.a, md.a.>, false"
  })
  void withinMeansEverySubjectOfTheFilterIsInTheScope(String filter, String scope, boolean within) {
    assertThat(Subjects.within(filter, scope)).isEqualTo(within);
  }

  @Test
  void withinAnyChecksEachScope() {
    assertThat(Subjects.withinAny("b.x", List.of("a.>", "b.*"))).isTrue();
    assertThat(Subjects.withinAny("c.x", List.of("a.>", "b.*"))).isFalse();
  }
}
