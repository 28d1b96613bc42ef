package io.marketprism.gateway.stream;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.StatusRuntimeException;
import io.marketprism.kit.api.FieldViolations;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Fills a request message from a stream route's path variables and query parameters, as {@code google.api.http}
 * binds them: a parameter names a field by its proto name ({@code data_types}) or JSON name ({@code dataTypes}),
 * nested fields dotted ({@code config.name}); a repeated field takes the parameter once per value. Values are read
 * by the field's type — integers in decimal, enums by name or number, {@code google.protobuf.Duration} as
 * {@code "5s"}, {@code Timestamp} in RFC 3339. Every bad or unknown parameter is named in one
 * {@code INVALID_ARGUMENT} with field violations.
 */
final class RequestBinder {

  private RequestBinder() {}

  static Message bind(Message prototype, Map<String, String> pathVariables, Map<String, List<String>> query)
      throws StatusRuntimeException {
    Message.Builder request = prototype.newBuilderForType();
    FieldViolations violations = new FieldViolations();
    pathVariables.forEach((name, value) -> set(request, name, List.of(value), violations));
    query.forEach(
        (name, values) -> {
          if (pathVariables.containsKey(name)) {
            violations.add(name, "is given by the path");
          } else {
            set(request, name, values, violations);
          }
        });
    violations.throwIfAny();
    return request.build();
  }

  private static void set(Message.Builder root, String path, List<String> values, FieldViolations violations) {
    Message.Builder target = root;
    String[] parts = path.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor field = find(target, parts[i]);
      if (field == null) {
        violations.add(path, "no such field in " + root.getDescriptorForType().getFullName());
        return;
      }
      boolean last = i == parts.length - 1;
      if (!last) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isRepeated()) {
          violations.add(path, parts[i] + " has no fields");
          return;
        }
        target = target.getFieldBuilder(field);
        continue;
      }
      if (!field.isRepeated() && values.size() > 1) {
        violations.add(path, "takes one value, got " + values.size());
        return;
      }
      if (field.isMapField()) {
        violations.add(path, "a map cannot be set from a query parameter");
        return;
      }
      for (String value : values) {
        try {
          Object parsed = parse(field, value);
          if (field.isRepeated()) {
            target.addRepeatedField(field, parsed);
          } else {
            target.setField(field, parsed);
          }
        } catch (IllegalArgumentException | ParseException e) {
          violations.add(path, "bad value \"" + abbreviate(value) + "\": " + e.getMessage());
        }
      }
    }
  }

  private static FieldDescriptor find(Message.Builder builder, String name) {
    FieldDescriptor field = builder.getDescriptorForType().findFieldByName(name);
    if (field != null) {
      return field;
    }
    return builder.getDescriptorForType().getFields().stream()
        .filter(f -> f.getJsonName().equals(name))
        .findFirst()
        .orElse(null);
  }

  private static Object parse(FieldDescriptor field, String value) throws ParseException {
    return switch (field.getType()) {
      case STRING -> value;
      case BOOL -> switch (value) {
        case "true", "1" -> true;
        case "false", "0" -> false;
        default -> throw new IllegalArgumentException("expected true or false");
      };
      case INT32, SINT32, SFIXED32 -> Integer.parseInt(value);
      case UINT32, FIXED32 -> Integer.parseUnsignedInt(value);
      case INT64, SINT64, SFIXED64 -> Long.parseLong(value);
      case UINT64, FIXED64 -> Long.parseUnsignedLong(value);
      case ENUM -> enumValue(field, value);
      case MESSAGE -> wellKnown(field, value);
      default -> throw new IllegalArgumentException(field.getType() + " fields cannot be set from a query parameter");
    };
  }

  private static EnumValueDescriptor enumValue(FieldDescriptor field, String value) {
    EnumValueDescriptor byName = field.getEnumType().findValueByName(value);
    if (byName != null) {
      return byName;
    }
    try {
      EnumValueDescriptor byNumber = field.getEnumType().findValueByNumber(Integer.parseInt(value));
      if (byNumber != null) {
        return byNumber;
      }
    } catch (NumberFormatException notANumber) {
      // fall through to the message naming the allowed values
    }
    throw new IllegalArgumentException(
        "expected one of " + field.getEnumType().getValues().stream().map(EnumValueDescriptor::getName).toList());
  }

  private static Message wellKnown(FieldDescriptor field, String value) throws ParseException {
    return switch (field.getMessageType().getFullName()) {
      case "google.protobuf.Duration" -> Durations.parse(value);
      case "google.protobuf.Timestamp" -> Timestamps.parse(value);
      default -> throw new IllegalArgumentException(
          field.getMessageType().getFullName() + " cannot be set from a query parameter");
    };
  }

  private static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 61) + "...";
  }
}
