package io.marketprism.gateway.stream;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Optional;

/**
 * Where a stream can resume, for streams whose source allows it: each event's SSE {@code id} names the point after
 * that event, and a client that reconnects with {@code Last-Event-ID} asks the source to continue from there.
 * Storage's {@code ReplayEvents} resumes from a {@code resume_token}; the config center's {@code Watch} from the last
 * version seen ({@code start_version}). Live streams (storage's follow, watches of feeds, alerts, instances) start
 * from now, as their sources do.
 */
interface Resumption {

  /** The id of the point after {@code response}, if it moves the stream forward. */
  Optional<String> idAfter(Message response);

  /** {@code request} set to continue after {@code lastEventId}; throws IllegalArgumentException if it is not one. */
  Message resume(Message request, String lastEventId);

  /** Whether the source waits for a slow reader (a replay) rather than running ahead of it (a live stream). */
  boolean paced();

  Resumption NONE =
      new Resumption() {
        @Override
        public Optional<String> idAfter(Message response) {
          return Optional.empty();
        }

        @Override
        public Message resume(Message request, String lastEventId) {
          return request;
        }

        @Override
        public boolean paced() {
          return false;
        }
      };

  static Resumption forMethod(String fullMethodName) {
    return switch (fullMethodName) {
      case "marketprism.storage.v1.StorageService/ReplayEvents" -> new ByToken();
      case "marketprism.config.v1.ConfigService/Watch" -> new ByVersion();
      default -> NONE;
    };
  }

  /** {@code resume_token} in the response, the same field in the request. */
  final class ByToken implements Resumption {
    @Override
    public Optional<String> idAfter(Message response) {
      String token = (String) response.getField(field(response, "resume_token"));
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    @Override
    public Message resume(Message request, String lastEventId) {
      return request.toBuilder().setField(field(request, "resume_token"), lastEventId).build();
    }

    @Override
    public boolean paced() {
      return true;
    }
  }

  /** The version of the last event's entry in the response; {@code start_version} in the request. */
  final class ByVersion implements Resumption {
    @Override
    public Optional<String> idAfter(Message response) {
      @SuppressWarnings("unchecked")
      List<Message> events = (List<Message>) response.getField(field(response, "events"));
      if (events.isEmpty()) {
        return Optional.empty();
      }
      Message entry = (Message) events.get(events.size() - 1).getField(field(events.get(0), "entry"));
      return Optional.of(Long.toString((Long) entry.getField(field(entry, "version"))));
    }

    @Override
    public Message resume(Message request, String lastEventId) {
      long version = Long.parseLong(lastEventId);
      if (version < 0) {
        throw new IllegalArgumentException("a version is not negative");
      }
      return request.toBuilder().setField(field(request, "start_version"), version).build();
    }

    @Override
    public boolean paced() {
      return false;
    }
  }

  private static FieldDescriptor field(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    if (field == null) {
      throw new IllegalStateException(message.getDescriptorForType().getFullName() + " has no field " + name);
    }
    return field;
  }
}
