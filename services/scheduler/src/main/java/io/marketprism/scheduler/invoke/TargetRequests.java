package io.marketprism.scheduler.invoke;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import io.marketprism.scheduler.v1.Target;
import java.time.Instant;
import java.util.Map;

/**
 * Reads a task's request into a message of its method's input type: the packed {@code request} or the JSON
 * {@code request_json}, then the fire-time fields filled for one firing. Stateless.
 */
public final class TargetRequests {

  private final MethodCatalog catalog;

  public TargetRequests(MethodCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The request as written in the task, without fire-time fields.
   *
   * @throws InvalidRequestException naming the field of {@link Target} that is wrong
   */
  public DynamicMessage parse(Target target, Descriptor inputType) throws InvalidRequestException {
    boolean packed = target.hasRequest();
    boolean json = !target.getRequestJson().isEmpty();
    if (packed == json) {
      throw new InvalidRequestException("request", "set exactly one of request and request_json");
    }
    if (json) {
      DynamicMessage.Builder builder = DynamicMessage.newBuilder(inputType);
      try {
        JsonFormat.parser().usingTypeRegistry(catalog.types()).merge(target.getRequestJson(), builder);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new InvalidRequestException(
            "request_json", "is not a " + inputType.getFullName() + " in JSON: " + e.getMessage());
      }
      return builder.build();
    }
    Any any = target.getRequest();
    String typeName = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
    if (!typeName.equals(inputType.getFullName())) {
      throw new InvalidRequestException(
          "request", "has type " + typeName + "; the method takes " + inputType.getFullName());
    }
    try {
      return DynamicMessage.parseFrom(inputType, any.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidRequestException("request", "is not a valid " + typeName + ": " + e.getMessage());
    }
  }

  /**
   * Checks the fire-time fields against the input type.
   *
   * @throws InvalidRequestException naming the map entry that is wrong
   */
  public void checkFireTimeFields(Target target, Descriptor inputType) throws InvalidRequestException {
    for (Map.Entry<String, com.google.protobuf.Duration> entry : target.getFireTimeFieldsMap().entrySet()) {
      String where = "fire_time_fields[" + entry.getKey() + "]";
      FieldDescriptor field = inputType.findFieldByName(entry.getKey());
      if (field == null || field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.LONG) {
        throw new InvalidRequestException(where, "is not an int64 field of " + inputType.getFullName());
      }
      if (Durations.isNegative(entry.getValue())) {
        throw new InvalidRequestException(where, "must not be negative");
      }
    }
  }

  /** The request of one firing: {@code base} with every fire-time field set to {@code fireTime} minus its offset. */
  public static DynamicMessage forFiring(DynamicMessage base, Target target, Instant fireTime) {
    if (target.getFireTimeFieldsCount() == 0) {
      return base;
    }
    long fireNanos = fireTime.getEpochSecond() * 1_000_000_000L + fireTime.getNano();
    DynamicMessage.Builder builder = base.toBuilder();
    target.getFireTimeFieldsMap().forEach(
        (name, offset) -> builder.setField(
            base.getDescriptorForType().findFieldByName(name), fireNanos - Durations.toNanos(offset)));
    return builder.build();
  }

  /** A part of a task's target that cannot be used, and why. */
  public static final class InvalidRequestException extends Exception {
    private final String field;

    public InvalidRequestException(String field, String reason) {
      super(reason);
      this.field = field;
    }

    /** The field of {@link Target}, e.g. {@code request_json}. */
    public String field() {
      return field;
    }
  }
}
