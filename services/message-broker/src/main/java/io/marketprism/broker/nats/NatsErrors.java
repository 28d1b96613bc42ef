package io.marketprism.broker.nats;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.kit.api.FieldViolations;
import io.nats.client.JetStreamApiException;
import java.io.IOException;

/**
 * Maps JetStream failures to gRPC statuses that keep the NATS error text, so a caller sees the server's own words
 * ("stream name already in use with a different configuration") under a code it can act on. Stateless.
 */
public final class NatsErrors {

  /** JetStream API error codes (nats-server {@code errors.json}). */
  static final int CONSUMER_NOT_FOUND = 10014;

  static final int STREAM_NOT_FOUND = 10059;
  private static final int CONSUMER_NAME_EXISTS = 10013;
  private static final int INSUFFICIENT_RESOURCES = 10023;
  private static final int JETSTREAM_NOT_ENABLED = 10039;
  private static final int JETSTREAM_NOT_ENABLED_FOR_ACCOUNT = 10076;
  private static final int STREAM_INVALID_CONFIG = 10052;
  private static final int MESSAGE_TOO_BIG = 10054;
  private static final int STREAM_NAME_EXISTS = 10058;
  private static final int WRONG_STREAM = 10060;
  private static final int SUBJECTS_OVERLAP = 10065;
  private static final int WRONG_LAST_SEQUENCE = 10071;
  private static final int REPLICAS_NOT_SUPPORTED = 10074;
  private static final int MAX_MESSAGES_EXCEEDED = 10077;
  private static final int MAX_BYTES_EXCEEDED = 10078;
  private static final int CONSUMER_FILTER_NOT_SUBSET = 10093;
  private static final int CONSUMER_EXISTS = 10148;

  private NatsErrors() {}

  /** The status for a JetStream API error; {@code what} names the operation for the message. */
  public static StatusRuntimeException toStatus(JetStreamApiException e, String what) {
    String text = what + ": " + e.getErrorDescription() + " (NATS error " + e.getApiErrorCode() + ")";
    return switch (e.getApiErrorCode()) {
      case STREAM_NOT_FOUND, CONSUMER_NOT_FOUND -> Status.NOT_FOUND.withDescription(text).asRuntimeException();
      case STREAM_NAME_EXISTS, CONSUMER_NAME_EXISTS, CONSUMER_EXISTS ->
          Status.ALREADY_EXISTS.withDescription(text).asRuntimeException();
      case SUBJECTS_OVERLAP -> FieldViolations.single("config.subjects", e.getErrorDescription());
      case CONSUMER_FILTER_NOT_SUBSET -> FieldViolations.single("config.filter_subject", e.getErrorDescription());
      case REPLICAS_NOT_SUPPORTED -> FieldViolations.single("config.replicas", e.getErrorDescription());
      case MESSAGE_TOO_BIG -> FieldViolations.single("payload", e.getErrorDescription());
      case STREAM_INVALID_CONFIG -> FieldViolations.single("config", e.getErrorDescription());
      case MAX_MESSAGES_EXCEEDED, MAX_BYTES_EXCEEDED, INSUFFICIENT_RESOURCES ->
          Status.RESOURCE_EXHAUSTED.withDescription(text).asRuntimeException();
      case WRONG_STREAM, WRONG_LAST_SEQUENCE -> Status.FAILED_PRECONDITION.withDescription(text).asRuntimeException();
      case JETSTREAM_NOT_ENABLED, JETSTREAM_NOT_ENABLED_FOR_ACCOUNT ->
          Status.UNAVAILABLE.withDescription(text).asRuntimeException();
      default -> byHttpCode(e.getErrorCode()).withDescription(text).asRuntimeException();
    };
  }

  /** The status for a failed request to NATS: no connection, no reply in time. */
  public static StatusRuntimeException toStatus(IOException e, String what) {
    return Status.UNAVAILABLE.withDescription(what + ": NATS: " + e.getMessage()).withCause(e).asRuntimeException();
  }

  private static Status byHttpCode(int code) {
    return switch (code) {
      case 400 -> Status.INVALID_ARGUMENT;
      case 404 -> Status.NOT_FOUND;
      case 408, 503 -> Status.UNAVAILABLE;
      case 409 -> Status.FAILED_PRECONDITION;
      default -> Status.INTERNAL;
    };
  }
}
