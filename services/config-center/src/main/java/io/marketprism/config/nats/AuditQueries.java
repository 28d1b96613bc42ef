package io.marketprism.config.nats;

import com.google.protobuf.InvalidProtocolBufferException;
import io.marketprism.config.domain.StoreUnavailableException;
import io.marketprism.config.v1.AuditRecord;
import io.marketprism.messaging.DefaultStreams;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads audit records back from {@code SYSTEM_EVENTS}, one stored message at a time by subject ("next message on
 * this subject from sequence N"), so a page costs one request per record and needs no consumer. Thread-safe.
 */
public final class AuditQueries {

  /** JetStream's "no message found" API error code. */
  private static final int NO_MESSAGE_FOUND = 10037;

  private final JetStreamManagement management;
  private final String subjectPrefix;

  public AuditQueries(Connection connection, String subjectPrefix) throws IOException {
    this.management = connection.jetStreamManagement();
    this.subjectPrefix = subjectPrefix;
  }

  /**
   * Records of a namespace from stream sequence {@code fromSequence} on, at most {@code limit}.
   *
   * @param nextSequence where the next page starts
   */
  public record Page(List<AuditRecord> records, long nextSequence) {}

  public Page read(String environment, String namespace, long fromSequence, int limit) {
    String subject = NatsAuditLog.subject(subjectPrefix, environment, namespace);
    List<AuditRecord> records = new ArrayList<>();
    long next = Math.max(1, fromSequence);
    try {
      while (records.size() < limit) {
        MessageInfo message = management.getNextMessage(DefaultStreams.SYSTEM_EVENTS, next, subject);
        records.add(AuditRecord.parseFrom(message.getData()));
        next = message.getSeq() + 1;
      }
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NO_MESSAGE_FOUND) {
        throw new StoreUnavailableException("the audit stream failed: " + e.getMessage(), e);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new StoreUnavailableException("an audit record on " + subject + " is not an AuditRecord", e);
    } catch (IOException e) {
      throw new StoreUnavailableException("the audit stream failed: " + e.getMessage(), e);
    }
    return new Page(records, next);
  }
}
