package io.marketprism.gateway.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Proto messages and enums as OpenAPI schemas, collected as {@code components/schemas} under their full proto names
 * and referenced with {@code $ref}. Properties carry the proto field names, as the gateway prints them; well-known
 * types and scalars are written inline ({@link Proto3Json}). A message is registered before its fields are
 * described, so recursive types end in a {@code $ref} to themselves.
 *
 * <p>Not thread-safe: one registry builds one document.
 */
final class SchemaRegistry {

  static final String REF_PREFIX = "#/components/schemas/";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ProtoComments comments;
  private final Map<String, ObjectNode> components = new TreeMap<>();

  SchemaRegistry(ProtoComments comments) {
    this.comments = comments;
  }

  /** A message's schema: a well-known type inline, any other a {@code $ref} to its component. */
  ObjectNode message(Descriptor message) {
    ObjectNode wellKnown = Proto3Json.wellKnown(message.getFullName());
    if (wellKnown != null) {
      return wellKnown;
    }
    String name = message.getFullName();
    if (!components.containsKey(name)) {
      ObjectNode component = JSON.objectNode();
      components.put(name, component);
      describeObject(component, message, field -> true);
    }
    return ref(name);
  }

  /**
   * The request message minus some top-level fields, inline: the body of a {@code body: "*"} rule whose path already
   * carries those fields.
   */
  ObjectNode messageWithout(Descriptor message, List<String> excludedFields) {
    ObjectNode schema = JSON.objectNode();
    describeObject(schema, message, field -> !excludedFields.contains(field.getName()));
    return schema;
  }

  /** A field's JSON value: an array for a repeated field, an object for a map. */
  ObjectNode field(FieldDescriptor field) {
    if (field.isMapField()) {
      // JSON object keys are strings whatever the proto key type; the value field describes the values.
      ObjectNode map = Proto3Json.type("object");
      map.set("additionalProperties", value(field.getMessageType().findFieldByName("value")));
      return map;
    }
    if (field.isRepeated()) {
      ObjectNode array = Proto3Json.type("array");
      array.set("items", value(field));
      return array;
    }
    return value(field);
  }

  /** One value of a field, ignoring whether it repeats. */
  ObjectNode value(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case MESSAGE -> message(field.getMessageType());
      case ENUM -> enumType(field.getEnumType());
      default -> Proto3Json.scalar(field.getType());
    };
  }

  /** The field's comment, and its oneof when it is in one. */
  String description(FieldDescriptor field) {
    OneofDescriptor oneof = field.getRealContainingOneof();
    String note = oneof == null ? "" : "Part of oneof `" + oneof.getName() + "`: " + oneOfSentence(oneof);
    return paragraphs(comments.of(field), note);
  }

  static boolean isRequired(FieldDescriptor field) {
    return behaviours(field).contains(FieldBehavior.REQUIRED);
  }

  /** The collected schemas, sorted by name. */
  ObjectNode components() {
    ObjectNode out = JSON.objectNode();
    components.forEach(out::set);
    return out;
  }

  private void describeObject(ObjectNode schema, Descriptor message, Predicate<FieldDescriptor> include) {
    schema.put("type", "object");
    String oneofs =
        message.getRealOneofs().stream()
            .map(oneof -> "Oneof `" + oneof.getName() + "`: " + oneOfSentence(oneof))
            .collect(Collectors.joining("\n\n"));
    putIfNotEmpty(schema, "description", paragraphs(comments.of(message), oneofs));
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = JSON.arrayNode();
    for (FieldDescriptor field : message.getFields()) {
      if (!include.test(field)) {
        continue;
      }
      properties.set(field.getName(), property(field));
      if (isRequired(field)) {
        required.add(field.getName());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
  }

  private ObjectNode property(FieldDescriptor field) {
    ObjectNode schema = field(field);
    ObjectNode annotations = JSON.objectNode();
    putIfNotEmpty(annotations, "description", description(field));
    List<FieldBehavior> behaviours = behaviours(field);
    if (behaviours.contains(FieldBehavior.OUTPUT_ONLY)) {
      annotations.put("readOnly", true);
    }
    if (behaviours.contains(FieldBehavior.INPUT_ONLY)) {
      annotations.put("writeOnly", true);
    }
    if (field.getOptions().getDeprecated()) {
      annotations.put("deprecated", true);
    }
    if (annotations.isEmpty()) {
      return schema;
    }
    if (schema.has("$ref")) {
      // OpenAPI 3.0 ignores every keyword next to $ref; allOf is its way to annotate a reference.
      ObjectNode wrapped = JSON.objectNode();
      wrapped.putArray("allOf").add(schema);
      return wrapped.setAll(annotations);
    }
    return schema.setAll(annotations);
  }

  private ObjectNode enumType(EnumDescriptor type) {
    String name = type.getFullName();
    if (!components.containsKey(name)) {
      ObjectNode schema = Proto3Json.type("string");
      ArrayNode values = schema.putArray("enum");
      StringBuilder list = new StringBuilder();
      for (EnumValueDescriptor value : type.getValues()) {
        values.add(value.getName());
        String comment = comments.of(value);
        list.append("\n- `").append(value.getName()).append('`');
        if (!comment.isEmpty()) {
          list.append(": ").append(comment.replace("\n", " "));
        }
      }
      putIfNotEmpty(schema, "description", paragraphs(comments.of(type), list.toString().strip()));
      components.put(name, schema);
    }
    return ref(name);
  }

  private static String oneOfSentence(OneofDescriptor oneof) {
    return "at most one of "
        + oneof.getFields().stream().map(f -> "`" + f.getName() + "`").collect(Collectors.joining(", "))
        + " is set.";
  }

  private static List<FieldBehavior> behaviours(FieldDescriptor field) {
    return field.getOptions().getExtension(FieldBehaviorProto.fieldBehavior);
  }

  private static ObjectNode ref(String name) {
    return JSON.objectNode().put("$ref", REF_PREFIX + name);
  }

  static String paragraphs(String first, String second) {
    if (first.isEmpty()) {
      return second;
    }
    return second.isEmpty() ? first : first + "\n\n" + second;
  }

  static void putIfNotEmpty(ObjectNode node, String key, String text) {
    if (!text.isEmpty()) {
      node.put(key, text);
    }
  }
}
