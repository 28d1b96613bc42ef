package io.marketprism.monitoring.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.monitoring.support.MonitoringFixture;
import io.marketprism.monitoring.support.Rules;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.CreateAlertRuleRequest;
import io.marketprism.monitoring.v1.CreateSilenceRequest;
import io.marketprism.monitoring.v1.DeleteAlertRuleRequest;
import io.marketprism.monitoring.v1.GetAlertRuleRequest;
import io.marketprism.monitoring.v1.LabelMatcher;
import io.marketprism.monitoring.v1.ListAlertRulesRequest;
import io.marketprism.monitoring.v1.ListAlertRulesResponse;
import io.marketprism.monitoring.v1.MatchType;
import io.marketprism.monitoring.v1.Silence;
import io.marketprism.monitoring.v1.UpdateAlertRuleRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The API's contract: field violations, ids, versions, paging. */
@WithNats
class MonitoringApiTest {

  @Test
  void rulesAreValidatedVersionedAndPaged(NatsServer nats) {
    try (MonitoringFixture monitoring = MonitoringFixture.start(nats, "api-" + UUID.randomUUID().toString()
        .substring(0, 8), Map.of())) {
      AlertRule bad = Rules.above("Bad_Id", "9metric", 1, 0).toBuilder()
          .setForDuration(Durations.fromHours(25))
          .setThreshold(Rules.above("x", "m", 1, 0).getThreshold().toBuilder()
              .addMatchers(LabelMatcher.newBuilder().setName("a").setValue("(").setType(MatchType.MATCH_TYPE_REGEX)))
          .build();
      StatusRuntimeException invalid = assertThrows(() -> monitoring.stub.createAlertRule(
          CreateAlertRuleRequest.newBuilder().setRule(bad).build()));
      assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(fields(invalid)).contains("rule.rule_id", "rule.for_duration", "rule.threshold.matchers[0].value");

      AlertRule created = monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("rule-a", "up", 0, 0)).build()).getRule();
      assertThat(created.getVersion()).isEqualTo(1);
      assertThat(assertThrows(() -> monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder()
          .setRule(Rules.above("rule-a", "up", 0, 0)).build())).getStatus().getCode())
          .isEqualTo(Status.Code.ALREADY_EXISTS);
      for (String id : List.of("rule-b", "rule-c")) {
        monitoring.stub.createAlertRule(CreateAlertRuleRequest.newBuilder().setRule(Rules.above(id, "up", 0, 0)).build());
      }

      AlertRule updated = monitoring.stub.updateAlertRule(UpdateAlertRuleRequest.newBuilder()
          .setRule(AlertRule.newBuilder().setRuleId("rule-a").setDisabled(true))
          .setUpdateMask(FieldMask.newBuilder().addPaths("disabled")).setExpectedVersion(1).build()).getRule();
      assertThat(updated.getVersion()).isEqualTo(2);
      assertThat(updated.getDisabled()).isTrue();
      assertThat(updated.getThreshold().getMetric()).isEqualTo("up");
      StatusRuntimeException stale = assertThrows(() -> monitoring.stub.updateAlertRule(UpdateAlertRuleRequest
          .newBuilder().setRule(AlertRule.newBuilder().setRuleId("rule-a"))
          .setUpdateMask(FieldMask.newBuilder().addPaths("disabled")).setExpectedVersion(1).build()));
      assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
      assertThat(StatusProto.fromThrowable(stale).getDetailsList()).anySatisfy(detail -> {
        try {
          assertThat(detail.unpack(ErrorInfo.class).getReason()).isEqualTo("STALE_VERSION");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertThat(fields(assertThrows(() -> monitoring.stub.updateAlertRule(UpdateAlertRuleRequest.newBuilder()
          .setRule(AlertRule.newBuilder().setRuleId("rule-a"))
          .setUpdateMask(FieldMask.newBuilder().addPaths("rule_id")).build())))).contains("update_mask.paths[0]");

      ListAlertRulesResponse first = monitoring.stub.listAlertRules(ListAlertRulesRequest.newBuilder()
          .setPageSize(2).build());
      assertThat(first.getRulesList()).extracting(AlertRule::getRuleId).containsExactly("rule-a", "rule-b");
      assertThat(monitoring.stub.listAlertRules(ListAlertRulesRequest.newBuilder().setPageSize(2)
          .setPageToken(first.getNextPageToken()).build()).getRulesList())
          .extracting(AlertRule::getRuleId).containsExactly("rule-c");

      monitoring.stub.deleteAlertRule(DeleteAlertRuleRequest.newBuilder().setRuleId("rule-b").build());
      assertThat(assertThrows(() -> monitoring.stub.getAlertRule(GetAlertRuleRequest.newBuilder()
          .setRuleId("rule-b").build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

      assertThat(fields(assertThrows(() -> monitoring.stub.createSilence(CreateSilenceRequest.newBuilder()
          .setSilence(Silence.newBuilder()).build()))))
          .contains("silence.matchers", "silence.end_time", "silence.comment");
    }
  }

  private static List<String> fields(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(BadRequest.class)).flatMap(d -> {
      try {
        return d.unpack(BadRequest.class).getFieldViolationsList().stream().map(v -> v.getField());
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }).toList();
  }

  private static StatusRuntimeException assertThrows(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an error");
  }
}
