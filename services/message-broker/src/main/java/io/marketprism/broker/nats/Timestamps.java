package io.marketprism.broker.nats;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Conversions between protobuf and {@code java.time} values, with NATS's "unset" conventions. Stateless. */
final class Timestamps {

  private Timestamps() {}

  /** A protobuf timestamp, or null for null or JetStream's zero time (year 1). */
  static Timestamp toProto(ZonedDateTime time) {
    if (time == null || time.getYear() <= 1) {
      return null;
    }
    Instant instant = time.toInstant();
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  static ZonedDateTime fromProto(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).atZone(ZoneOffset.UTC);
  }

  static Duration toProto(java.time.Duration duration) {
    return Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
  }

  static java.time.Duration fromProto(Duration duration) {
    return java.time.Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
  }

  /** True for null or a zero/negative duration, which NATS uses for "not set". */
  static boolean unset(java.time.Duration duration) {
    return duration == null || duration.isZero() || duration.isNegative();
  }
}
