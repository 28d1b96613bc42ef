package io.marketprism.gateway.openapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.Map;

/**
 * The proto3 JSON mapping as OpenAPI 3.0 schemas: what {@code JsonFormat} prints for each scalar and well-known type.
 * The schemas describe what the gateway writes, which is also what it accepts (the parser takes a few more spellings,
 * such as numbers for 64-bit integers and enum numbers, that the spec need not advertise).
 */
final class Proto3Json {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /**
   * Well-known types that JSON writes as something other than an object of their fields. Wrappers are their scalar,
   * nullable because JSON's {@code null} is how a wrapper says "absent".
   */
  private static final Map<String, ObjectNode> WELL_KNOWN =
      Map.ofEntries(
          Map.entry("google.protobuf.Timestamp", type("string").put("format", "date-time")),
          Map.entry(
              "google.protobuf.Duration",
              type("string")
                  .put("pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$")
                  .put("example", "30s")
                  .put("description", "Seconds with up to nine fractional digits and the suffix `s`, e.g. `1.5s`.")),
          Map.entry(
              "google.protobuf.FieldMask",
              type("string")
                  .put(
                      "description",
                      "Comma-separated field paths in lowerCamelCase, as the proto3 JSON mapping writes a"
                          + " FieldMask, e.g. `description,maxAge`.")),
          Map.entry("google.protobuf.Struct", type("object").put("additionalProperties", true)),
          // OpenAPI 3.0 has no "any" type: a schema without `type` accepts every JSON value.
          Map.entry("google.protobuf.Value", JSON.objectNode().put("description", "Any JSON value.")),
          Map.entry("google.protobuf.NullValue", JSON.objectNode().put("description", "JSON null.")),
          Map.entry("google.protobuf.ListValue", listValue()),
          Map.entry("google.protobuf.Any", any()),
          Map.entry("google.protobuf.Empty", type("object")),
          Map.entry("google.protobuf.DoubleValue", nullable(number("double"))),
          Map.entry("google.protobuf.FloatValue", nullable(number("float"))),
          Map.entry("google.protobuf.Int64Value", nullable(int64("int64"))),
          Map.entry("google.protobuf.UInt64Value", nullable(int64("uint64"))),
          Map.entry("google.protobuf.Int32Value", nullable(integer("int32"))),
          Map.entry("google.protobuf.UInt32Value", nullable(integer("int64"))),
          Map.entry("google.protobuf.BoolValue", nullable(type("boolean"))),
          Map.entry("google.protobuf.StringValue", nullable(type("string"))),
          Map.entry("google.protobuf.BytesValue", nullable(type("string").put("format", "byte"))));

  private Proto3Json() {}

  /** The schema of a well-known type, or null when the message is written as an object of its fields. */
  static ObjectNode wellKnown(String messageFullName) {
    ObjectNode schema = WELL_KNOWN.get(messageFullName);
    return schema == null ? null : schema.deepCopy();
  }

  static boolean isWellKnown(String messageFullName) {
    return WELL_KNOWN.containsKey(messageFullName);
  }

  /** Types whose JSON is a single string, number or boolean: usable as path and query parameters. */
  static boolean isScalarLike(String messageFullName) {
    ObjectNode schema = WELL_KNOWN.get(messageFullName);
    String type = schema == null ? "" : schema.path("type").asText();
    return !type.isEmpty() && !type.equals("object") && !type.equals("array");
  }

  /** The schema of a scalar field's value (not a message, not an enum). */
  static ObjectNode scalar(FieldDescriptor.Type type) {
    return switch (type) {
      case INT32, SINT32, SFIXED32 -> integer("int32");
      // uint32 reaches 2^32 - 1, beyond int32: JSON still writes it as a number.
      case UINT32, FIXED32 -> integer("int64");
      // proto3 JSON writes 64-bit integers as strings, since JavaScript numbers lose precision above 2^53.
      case INT64, SINT64, SFIXED64 -> int64("int64");
      case UINT64, FIXED64 -> int64("uint64");
      case DOUBLE -> number("double");
      case FLOAT -> number("float");
      case BOOL -> type("boolean");
      case STRING -> type("string");
      case BYTES -> type("string").put("format", "byte");
      case MESSAGE, GROUP, ENUM -> throw new IllegalArgumentException("not a scalar: " + type);
    };
  }

  /** {@code google.protobuf.Any}: the packed message's fields next to {@code @type}, its type URL. */
  static ObjectNode any() {
    ObjectNode schema = type("object");
    schema.put("description", "A message of any type: its fields in JSON, with `@type` naming the type.");
    schema.putObject("properties").set("@type", type("string").put("example", "type.googleapis.com/google.rpc.BadRequest"));
    schema.putArray("required").add("@type");
    schema.put("additionalProperties", true);
    return schema;
  }

  private static ObjectNode listValue() {
    ObjectNode schema = type("array").put("description", "Any JSON array.");
    schema.putObject("items");
    return schema;
  }

  private static ObjectNode int64(String format) {
    return type("string").put("format", format);
  }

  private static ObjectNode integer(String format) {
    return type("integer").put("format", format);
  }

  private static ObjectNode number(String format) {
    return type("number").put("format", format);
  }

  private static ObjectNode nullable(ObjectNode schema) {
    return schema.put("nullable", true);
  }

  static ObjectNode type(String type) {
    return JSON.objectNode().put("type", type);
  }
}
