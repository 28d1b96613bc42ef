package io.marketprism.broker.nats;

import io.grpc.Status;
import io.marketprism.broker.v1.Consumer;
import io.marketprism.broker.v1.ConsumerConfig;
import io.marketprism.broker.v1.Stream;
import io.marketprism.broker.v1.StreamConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Streams and consumers in JetStream, in the contract's terms. Takes validated configs; answers with
 * {@link io.grpc.StatusRuntimeException}s (see {@link NatsErrors}). Thread-safe: holds only the shared connection.
 */
public final class JetStreamAdmin {

  private final NatsCalls nats;
  private final JetStreamManagement management;

  public JetStreamAdmin(Connection connection) throws IOException {
    this.nats = new NatsCalls(connection);
    this.management = connection.jetStreamManagement();
  }

  /**
   * Creates a stream; an identical existing stream is returned as is, a different one is {@code ALREADY_EXISTS}
   * (JetStream itself compares the configs).
   */
  public Stream createStream(StreamConfig config) {
    return StreamTranslation.toProto(
        nats.call("create stream " + config.getName(), () -> management.addStream(StreamTranslation.toNats(config))));
  }

  public Stream getStream(String name) {
    return StreamTranslation.toProto(streamInfo(name));
  }

  /** The stream's stored config in the contract's terms ({@code NOT_FOUND} if there is none). */
  public StreamConfig storedConfig(String name) {
    return StreamTranslation.toProto(streamInfo(name).getConfiguration());
  }

  /** The subjects a stream captures ({@code NOT_FOUND} if there is none). */
  public List<String> subjects(String stream) {
    return streamInfo(stream).getConfiguration().getSubjects();
  }

  /** Streams ordered by name; only those capturing a subject matching {@code subjectFilter} unless it is empty. */
  public List<Stream> listStreams(String subjectFilter) {
    List<StreamInfo> infos =
        nats.call(
            "list streams",
            () -> subjectFilter.isEmpty() ? management.getStreams() : management.getStreams(subjectFilter));
    return infos.stream()
        .map(StreamTranslation::toProto)
        .sorted(Comparator.comparing(s -> s.getConfig().getName()))
        .toList();
  }

  /** Every stream's subjects, by stream name. */
  public Map<String, List<String>> subjectsByStream() {
    Map<String, List<String>> subjects = new LinkedHashMap<>();
    for (StreamInfo info : nats.call("list streams", management::getStreams)) {
      subjects.put(info.getConfiguration().getName(), info.getConfiguration().getSubjects());
    }
    return subjects;
  }

  /** Replaces a stream's config with {@code config} (a stored config with masked changes applied). */
  public Stream updateStream(StreamConfig config) {
    return StreamTranslation.toProto(
        nats.call(
            "update stream " + config.getName(), () -> management.updateStream(StreamTranslation.toNats(config))));
  }

  public void deleteStream(String name) {
    nats.call("delete stream " + name, () -> management.deleteStream(name));
  }

  /**
   * Creates a durable pull consumer. An existing consumer of that name with the same config (defaults filled in) is
   * returned; with another config it is {@code ALREADY_EXISTS}. (nats-server 2.9 would silently update it.)
   */
  public Consumer createConsumer(String stream, ConsumerConfig config) {
    String what = "create consumer " + stream + "/" + config.getName();
    Optional<ConsumerInfo> existing = findConsumer(stream, config.getName());
    if (existing.isPresent()) {
      ConsumerConfig stored = ConsumerTranslation.toProto(existing.get().getConsumerConfiguration());
      if (stored.equals(ConsumerTranslation.withDefaults(config))) {
        return ConsumerTranslation.toProto(existing.get());
      }
      throw Status.ALREADY_EXISTS
          .withDescription(what + ": a consumer of that name exists with a different config: " + stored)
          .asRuntimeException();
    }
    return ConsumerTranslation.toProto(
        nats.call(what, () -> management.addOrUpdateConsumer(stream, ConsumerTranslation.toNats(config))));
  }

  public Consumer getConsumer(String stream, String name) {
    return ConsumerTranslation.toProto(consumerInfo(stream, name));
  }

  /** The raw consumer info ({@code NOT_FOUND} if there is none). */
  ConsumerInfo consumerInfo(String stream, String name) {
    return nats.call("get consumer " + stream + "/" + name, () -> management.getConsumerInfo(stream, name));
  }

  /** The consumers of a stream ordered by name ({@code NOT_FOUND} for an unknown stream). */
  public List<Consumer> listConsumers(String stream) {
    streamInfo(stream);
    return nats.call("list consumers of " + stream, () -> management.getConsumers(stream)).stream()
        .map(ConsumerTranslation::toProto)
        .sorted(Comparator.comparing(c -> c.getConfig().getName()))
        .toList();
  }

  public void deleteConsumer(String stream, String name) {
    nats.call("delete consumer " + stream + "/" + name, () -> management.deleteConsumer(stream, name));
  }

  private StreamInfo streamInfo(String name) {
    return nats.call("get stream " + name, () -> management.getStreamInfo(name));
  }

  private Optional<ConsumerInfo> findConsumer(String stream, String name) {
    return nats.call(
        "get consumer " + stream + "/" + name,
        () -> {
          try {
            return Optional.of(management.getConsumerInfo(stream, name));
          } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NatsErrors.CONSUMER_NOT_FOUND) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }
}
