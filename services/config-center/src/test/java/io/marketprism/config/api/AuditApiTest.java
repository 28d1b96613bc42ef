package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.AuditAction;
import io.marketprism.config.v1.AuditRecord;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.ListAuditRequest;
import io.marketprism.config.v1.ListAuditResponse;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.RollbackRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class AuditApiTest {

  static NatsServer nats;
  static ConfigCenterFixture center;

  @BeforeAll
  static void start() {
    center = ConfigCenterFixture.start(nats);
  }

  @AfterAll
  static void stop() throws Exception {
    center.close();
  }

  private static PutRequest.Builder put(String env, String key, String value) {
    return PutRequest.newBuilder().setEnvironment(env).setNamespace("scheduler").setKey(key).setValue(value);
  }

  @Test
  void everyChangeIsAuditedWithWhoWhenAndTheOldAndNewVersionPageByPage() {
    String env = uniqueEnvironment();
    long v1 = center.blocking().put(put(env, "cron", "*/5").build()).getVersion();
    long v2 = center.blocking().put(put(env, "cron", "*/10").build()).getVersion();
    long v3 =
        center.blocking().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("scheduler").setKey("cron").build())
            .getVersion();
    long v4 =
        center.blocking().rollback(
                RollbackRequest.newBuilder().setEnvironment(env).setNamespace("scheduler").setKey("cron").setVersion(v1).build())
            .getEntry().getVersion();

    ListAuditRequest request =
        ListAuditRequest.newBuilder().setEnvironment(env).setNamespace("scheduler").setPageSize(3).build();
    ListAuditResponse first = center.blocking().listAudit(request);
    ListAuditResponse second = center.blocking().listAudit(request.toBuilder().setPageToken(first.getNextPageToken()).build());
    List<AuditRecord> records = new ArrayList<>(first.getRecordsList());
    records.addAll(second.getRecordsList());

    assertThat(records).extracting(AuditRecord::getAction).containsExactly(
        AuditAction.AUDIT_ACTION_PUT, AuditAction.AUDIT_ACTION_PUT, AuditAction.AUDIT_ACTION_DELETE,
        AuditAction.AUDIT_ACTION_ROLLBACK);
    assertThat(records).extracting(AuditRecord::getOldVersion).containsExactly(0L, v1, v2, v3);
    assertThat(records).extracting(AuditRecord::getNewVersion).containsExactly(v1, v2, v3, v4);
    assertThat(records.get(3).getRestoredVersion()).isEqualTo(v1);
    assertThat(records).allSatisfy(r -> {
      assertThat(r.getActor()).isEqualTo("anonymous");
      assertThat(r.getKey()).isEqualTo("cron");
      assertThat(r.hasTime()).isTrue();
    });

    // a later call with the last token returns only what was written since
    long v5 = center.blocking().put(put(env, "cron", "*/15").build()).getVersion();
    ListAuditResponse since = center.blocking().listAudit(request.toBuilder().setPageToken(second.getNextPageToken()).build());
    assertThat(since.getRecordsList()).extracting(AuditRecord::getNewVersion).containsExactly(v5);
  }

  @Test
  void auditRecordsOfASecretNeverCarryItsValue() throws Exception {
    String env = uniqueEnvironment();
    center.blocking().put(put(env, "password", "hunter2-but-longer").setSecret(true).build());

    ListAuditResponse audit =
        center.blocking().listAudit(ListAuditRequest.newBuilder().setEnvironment(env).setNamespace("scheduler").build());
    assertThat(audit.getRecordsList()).singleElement().satisfies(r -> assertThat(r.getSecret()).isTrue());
    try (Connection connection = Nats.connect(nats.url())) {
      MessageInfo stored = connection.jetStreamManagement().getLastMessage("SYSTEM_EVENTS", "sys.config.audit." + env + ".scheduler");
      assertThat(new String(stored.getData(), StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    }
  }
}
