package io.marketprism.broker.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.kit.api.FieldViolations;
import org.junit.jupiter.api.Test;

class StreamUpdateMaskTest {

  private final StreamConfig stored =
      StreamConfig.newBuilder()
          .setName("S")
          .addSubjects("a.>")
          .setMaxMsgs(10)
          .setMaxAge(Duration.newBuilder().setSeconds(60))
          .build();

  @Test
  void onlyMaskedFieldsChangeAndSubjectsAreReplacedWhole() {
    StreamConfig changes =
        StreamConfig.newBuilder().setName("S").addSubjects("b.>").addSubjects("c.>").setMaxMsgs(99).build();

    StreamConfig result =
        StreamUpdateMask.apply(stored, changes, FieldMask.newBuilder().addPaths("subjects").addPaths("max_age").build());

    assertThat(result.getSubjectsList()).containsExactly("b.>", "c.>");
    assertThat(result.hasMaxAge()).as("max_age masked and unset in the changes: cleared").isFalse();
    assertThat(result.getMaxMsgs()).as("not masked").isEqualTo(10);
  }

  @Test
  void starIsNotAcceptedAsAPath() {
    FieldViolations violations = new FieldViolations();

    StreamUpdateMask.check(FieldMask.newBuilder().addPaths("*").build(), violations);

    assertThat(violations.isEmpty()).isFalse();
  }
}
