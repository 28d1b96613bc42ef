package io.marketprism.config.domain;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** The errors the config service documents, with the {@code google.rpc} details its contract promises. */
public final class Failures {

  /** {@code ErrorInfo.domain} of the config center's errors. */
  public static final String DOMAIN = "config.marketprism.io";

  private Failures() {}

  public static StatusRuntimeException notFound(String what) {
    return Status.NOT_FOUND.withDescription(what).asRuntimeException();
  }

  public static StatusRuntimeException failedPrecondition(String why) {
    return Status.FAILED_PRECONDITION.withDescription(why).asRuntimeException();
  }

  /** {@code ABORTED} + {@code ErrorInfo} reason {@code STALE_VERSION}, metadata {@code current_version}. */
  public static StatusRuntimeException staleVersion(EntryName name, long expected, long current) {
    return withErrorInfo(
        Code.ABORTED,
        name + " is at version " + current + ", not the expected " + expected + ": read it again and retry",
        ErrorInfo.newBuilder()
            .setReason("STALE_VERSION")
            .setDomain(DOMAIN)
            .putMetadata("current_version", Long.toString(current))
            .build());
  }

  /** {@code OUT_OF_RANGE} + {@code ErrorInfo} reason {@code VERSION_COMPACTED}: watch again from 0. */
  public static StatusRuntimeException versionCompacted(String environment, long version, String why) {
    return withErrorInfo(
        Code.OUT_OF_RANGE,
        "cannot resume " + environment + " after version " + version + ": " + why + "; watch again from 0",
        ErrorInfo.newBuilder()
            .setReason("VERSION_COMPACTED")
            .setDomain(DOMAIN)
            .putMetadata("start_version", Long.toString(version))
            .build());
  }

  public static StatusRuntimeException unavailable(String why, Throwable cause) {
    return Status.UNAVAILABLE.withDescription(why).withCause(cause).asRuntimeException();
  }

  private static StatusRuntimeException withErrorInfo(Code code, String message, ErrorInfo info) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message).addDetails(Any.pack(info)).build());
  }
}
