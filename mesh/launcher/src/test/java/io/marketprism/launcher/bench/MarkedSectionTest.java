package io.marketprism.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkedSectionTest {

  private static final String PROSE_BEFORE = "# Benchmarks\n\nReadings by hand, | with a table |\n\n";
  private static final String PROSE_AFTER = "\n## History\n\nWhat was tried.\n";

  @Test
  void replacesOnlyWhatIsBetweenTheMarkersAndKeepsTheProse() {
    String page = PROSE_BEFORE + MarkedSection.BEGIN + "\nold table\n" + MarkedSection.END + PROSE_AFTER;

    String updated = MarkedSection.replace(page, "new table");

    assertThat(updated).isEqualTo(PROSE_BEFORE + MarkedSection.BEGIN + "\nnew table\n" + MarkedSection.END
        + PROSE_AFTER);
    assertThat(MarkedSection.replace(updated, "new table")).isEqualTo(updated);
  }

  @Test
  void appendsTheSectionToAPageWithoutMarkers() {
    String updated = MarkedSection.replace(PROSE_BEFORE + "Last line.", "table\n");

    assertThat(updated).startsWith(PROSE_BEFORE + "Last line.\n\n" + MarkedSection.BEGIN + "\ntable\n")
        .endsWith(MarkedSection.END + "\n");
  }

  @Test
  void refusesMarkersThatAreNotOnePairInOrder() {
    assertThatThrownBy(() -> MarkedSection.replace(MarkedSection.END + "\n" + MarkedSection.BEGIN, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarkedSection.replace("prose " + MarkedSection.BEGIN + " no end", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
