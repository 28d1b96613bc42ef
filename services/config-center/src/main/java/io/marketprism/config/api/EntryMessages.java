package io.marketprism.config.api;

import com.google.protobuf.Timestamp;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.ValueType;

/** Domain revisions as {@link Entry} messages, with a secret's value either revealed or masked. Stateless. */
final class EntryMessages {

  private EntryMessages() {}

  /** The entry with its value withheld if it is a secret: what List, History and Watch show. */
  static Entry masked(Revision revision) {
    return builder(revision).setValue(revision.value().text()).setValueMasked(revision.value().isSecret()).build();
  }

  /** The entry with {@code clearValue}, a secret's opened value (or a plain value). */
  static Entry revealed(Revision revision, String clearValue) {
    return builder(revision).setValue(clearValue).build();
  }

  private static Entry.Builder builder(Revision revision) {
    return Entry.newBuilder()
        .setEnvironment(revision.name().environment())
        .setNamespace(revision.name().namespace())
        .setKey(revision.name().key())
        .setVersion(revision.version())
        .setUpdateTime(
            Timestamp.newBuilder().setSeconds(revision.time().getEpochSecond()).setNanos(revision.time().getNano()))
        .setUpdatedBy(revision.value().updatedBy())
        .setDeleted(revision.value().deleted())
        .setValueType(ValueType.valueOf("VALUE_TYPE_" + revision.value().type().name()))
        .setSecret(revision.value().isSecret())
        .setGray(revision.gray());
  }
}
