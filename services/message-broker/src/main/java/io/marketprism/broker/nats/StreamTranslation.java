package io.marketprism.broker.nats;

import io.marketprism.broker.v1.DiscardPolicy;
import io.marketprism.broker.v1.RetentionPolicy;
import io.marketprism.broker.v1.StorageType;
import io.marketprism.broker.v1.Stream;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.broker.v1.StreamState;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * Stream configs and infos between the contract and jnats. The contract says 0 for "unlimited" where JetStream says
 * -1, and fills in defaults (replicas 1, duplicate window 2 min, discard old). Stateless.
 */
final class StreamTranslation {

  static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

  private StreamTranslation() {}

  /** The JetStream configuration for a validated contract config. */
  static StreamConfiguration toNats(StreamConfig config) {
    StreamConfiguration.Builder builder =
        StreamConfiguration.builder()
            .name(config.getName())
            .subjects(config.getSubjectsList())
            .retentionPolicy(retention(config.getRetention()))
            .storageType(storage(config.getStorage()))
            .discardPolicy(
                config.getDiscard() == DiscardPolicy.DISCARD_POLICY_NEW
                    ? io.nats.client.api.DiscardPolicy.New
                    : io.nats.client.api.DiscardPolicy.Old)
            .maxBytes(unlimitedIfZero(config.getMaxBytes()))
            .maxMessages(unlimitedIfZero(config.getMaxMsgs()))
            .maxMessagesPerSubject(unlimitedIfZero(config.getMaxMsgsPerSubject()))
            .maxMsgSize(unlimitedIfZero(config.getMaxMsgSize()))
            .replicas(Math.max(1, config.getReplicas()))
            .duplicateWindow(
                config.hasDuplicateWindow()
                    ? Timestamps.fromProto(config.getDuplicateWindow())
                    : DEFAULT_DUPLICATE_WINDOW)
            .maxAge(config.hasMaxAge() ? Timestamps.fromProto(config.getMaxAge()) : Duration.ZERO);
    if (!config.getDescription().isEmpty()) {
      builder.description(config.getDescription());
    }
    return builder.build();
  }

  /** The contract's view of a stored configuration. */
  static StreamConfig toProto(StreamConfiguration nats) {
    StreamConfig.Builder config =
        StreamConfig.newBuilder()
            .setName(nats.getName())
            .setDescription(Optional.ofNullable(nats.getDescription()).orElse(""))
            .addAllSubjects(nats.getSubjects())
            .setRetention(retention(nats.getRetentionPolicy()))
            .setStorage(
                nats.getStorageType() == io.nats.client.api.StorageType.Memory
                    ? StorageType.STORAGE_TYPE_MEMORY
                    : StorageType.STORAGE_TYPE_FILE)
            .setDiscard(
                nats.getDiscardPolicy() == io.nats.client.api.DiscardPolicy.New
                    ? DiscardPolicy.DISCARD_POLICY_NEW
                    : DiscardPolicy.DISCARD_POLICY_OLD)
            .setMaxBytes(zeroIfUnlimited(nats.getMaxBytes()))
            .setMaxMsgs(zeroIfUnlimited(nats.getMaxMsgs()))
            .setMaxMsgsPerSubject(zeroIfUnlimited(nats.getMaxMsgsPerSubject()))
            .setMaxMsgSize((int) zeroIfUnlimited(nats.getMaxMsgSize()))
            .setReplicas(nats.getReplicas())
            .setDuplicateWindow(
                Timestamps.toProto(
                    Timestamps.unset(nats.getDuplicateWindow()) ? DEFAULT_DUPLICATE_WINDOW : nats.getDuplicateWindow()));
    if (!Timestamps.unset(nats.getMaxAge())) {
      config.setMaxAge(Timestamps.toProto(nats.getMaxAge()));
    }
    return config.build();
  }

  static Stream toProto(StreamInfo info) {
    var state = info.getStreamState();
    StreamState.Builder proto =
        StreamState.newBuilder()
            .setMessages(state.getMsgCount())
            .setBytes(state.getByteCount())
            .setFirstSequence(state.getFirstSequence())
            .setLastSequence(state.getLastSequence())
            .setConsumerCount((int) state.getConsumerCount())
            .setSubjectCount(state.getSubjectCount())
            .setDeletedCount(state.getDeletedCount());
    if (state.getMsgCount() > 0) {
      Optional.ofNullable(Timestamps.toProto(state.getFirstTime())).ifPresent(proto::setFirstTime);
      Optional.ofNullable(Timestamps.toProto(state.getLastTime())).ifPresent(proto::setLastTime);
    }
    Stream.Builder stream = Stream.newBuilder().setConfig(toProto(info.getConfiguration())).setState(proto);
    Optional.ofNullable(Timestamps.toProto(info.getCreateTime())).ifPresent(stream::setCreateTime);
    return stream.build();
  }

  private static io.nats.client.api.RetentionPolicy retention(RetentionPolicy retention) {
    return switch (retention) {
      case RETENTION_POLICY_INTEREST -> io.nats.client.api.RetentionPolicy.Interest;
      case RETENTION_POLICY_WORK_QUEUE -> io.nats.client.api.RetentionPolicy.WorkQueue;
      default -> io.nats.client.api.RetentionPolicy.Limits;
    };
  }

  private static RetentionPolicy retention(io.nats.client.api.RetentionPolicy retention) {
    return switch (retention) {
      case Interest -> RetentionPolicy.RETENTION_POLICY_INTEREST;
      case WorkQueue -> RetentionPolicy.RETENTION_POLICY_WORK_QUEUE;
      default -> RetentionPolicy.RETENTION_POLICY_LIMITS;
    };
  }

  private static io.nats.client.api.StorageType storage(StorageType storage) {
    return storage == StorageType.STORAGE_TYPE_MEMORY
        ? io.nats.client.api.StorageType.Memory
        : io.nats.client.api.StorageType.File;
  }

  private static long unlimitedIfZero(long value) {
    return value == 0 ? -1 : value;
  }

  private static long zeroIfUnlimited(long value) {
    return value < 0 ? 0 : value;
  }
}
