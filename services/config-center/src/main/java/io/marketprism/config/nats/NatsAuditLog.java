package io.marketprism.config.nats;

import com.google.protobuf.Timestamp;
import io.marketprism.config.domain.AuditEvent;
import io.marketprism.config.domain.AuditLog;
import io.marketprism.config.v1.AuditAction;
import io.marketprism.config.v1.AuditRecord;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each change as an {@link AuditRecord} (protobuf) to {@code <prefix>.<environment>.<namespace>}, captured
 * by the {@code SYSTEM_EVENTS} stream, and waits for JetStream's ack, so a change the caller was told about is on
 * record. The message id is the change's version, so a retried publish is not recorded twice. Thread-safe.
 */
public final class NatsAuditLog implements AuditLog {

  private static final Logger log = LoggerFactory.getLogger(NatsAuditLog.class);

  private final JetStream jetStream;
  private final String subjectPrefix;

  public NatsAuditLog(Connection connection, String subjectPrefix) throws IOException {
    this.jetStream = connection.jetStream();
    this.subjectPrefix = subjectPrefix;
  }

  /** The subject of an environment's namespace's records. */
  public static String subject(String prefix, String environment, String namespace) {
    return prefix + "." + environment + "." + namespace;
  }

  @Override
  public void record(AuditEvent event) {
    AuditRecord record = toRecord(event);
    Headers headers = new Headers().put("Content-Type", "application/x-protobuf; proto=" + AuditRecord.getDescriptor().getFullName());
    String id = event.name().environment() + ":" + event.name().storeKey() + ":" + event.newVersion();
    try {
      jetStream.publish(
          subject(subjectPrefix, event.name().environment(), event.name().namespace()),
          headers,
          record.toByteArray(),
          PublishOptions.builder().messageId(id).build());
    } catch (IOException | JetStreamApiException e) {
      // the change is written already; undoing it would lose a write the store has acknowledged
      log.error("audit record of {} version {} was not stored: {}", event.name(), event.newVersion(), e.toString());
    }
  }

  static AuditRecord toRecord(AuditEvent event) {
    return AuditRecord.newBuilder()
        .setEnvironment(event.name().environment())
        .setNamespace(event.name().namespace())
        .setKey(event.name().key())
        .setAction(AuditAction.valueOf("AUDIT_ACTION_" + event.action()))
        .setActor(event.actor())
        .setTime(Timestamp.newBuilder().setSeconds(event.time().getEpochSecond()).setNanos(event.time().getNano()))
        .setOldVersion(event.oldVersion())
        .setNewVersion(event.newVersion())
        .setRestoredVersion(event.restoredVersion())
        .setSecret(event.secret())
        .build();
  }
}
