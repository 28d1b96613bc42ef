package io.marketprism.gateway.openapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The path and query parameters of one binding, as the gateway's transcoding reads them: path variables by their
 * field path, and for a binding without a {@code body: "*"} every other field that fits in a query string, by proto
 * field name, nested fields dotted ({@code config.name}). Maps, {@code Struct}, {@code Value}, {@code Any}, repeated
 * messages and recursive messages travel whole, in a body, so they are no parameters (the transcoding would take a
 * recursive message as one JSON-valued parameter; the document leaves that out).
 */
final class Parameters {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final SchemaRegistry schemas;
  private final Map<Descriptor, Boolean> recursive = new HashMap<>();

  Parameters(SchemaRegistry schemas) {
    this.schemas = schemas;
  }

  List<ObjectNode> of(Descriptor request, HttpBinding binding) {
    List<ObjectNode> parameters = new ArrayList<>();
    for (String variable : binding.path().variables()) {
      FieldDescriptor field = resolve(request, variable);
      if (field.isRepeated() || !fitsInText(field)) {
        throw new IllegalArgumentException(
            request.getFullName() + "." + variable + " is bound to the path but is no single scalar");
      }
      parameters.add(parameter(variable, "path", field, true));
    }
    if (!binding.body().equals("*")) {
      addQuery(request, "", binding, parameters);
    }
    return parameters;
  }

  /** The field a dotted path names, through singular message fields. */
  static FieldDescriptor resolve(Descriptor message, String fieldPath) {
    Descriptor current = message;
    FieldDescriptor field = null;
    for (String name : fieldPath.split("\\.", -1)) {
      field = current == null ? null : current.findFieldByName(name);
      if (field == null) {
        throw new IllegalArgumentException("no field " + fieldPath + " in " + message.getFullName());
      }
      current = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated() ? field.getMessageType() : null;
    }
    return field;
  }

  private void addQuery(Descriptor message, String prefix, HttpBinding binding, List<ObjectNode> out) {
    for (FieldDescriptor field : message.getFields()) {
      String name = prefix + field.getName();
      if (binding.path().variables().contains(name) || name.equals(binding.body()) || field.isMapField()) {
        continue;
      }
      if (fitsInText(field)) {
        out.add(parameter(name, "query", field, SchemaRegistry.isRequired(field)));
      } else if (!field.isRepeated() && expandable(field.getMessageType())) {
        addQuery(field.getMessageType(), name + ".", binding, out);
      }
    }
  }

  /**
   * Whether a message's fields are query parameters of their own. The transcoding takes a recursive message (one that
   * can contain itself) only whole, and well-known types other than the scalar-like ones only in a body.
   */
  private boolean expandable(Descriptor message) {
    return !Proto3Json.isWellKnown(message.getFullName())
        && !recursive.computeIfAbsent(message, m -> reaches(m, m, new HashSet<>()));
  }

  private static boolean reaches(Descriptor from, Descriptor target, Set<Descriptor> seen) {
    for (FieldDescriptor field : from.getFields()) {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
        continue;
      }
      Descriptor type = field.getMessageType();
      if (type.equals(target)) {
        return true;
      }
      if (!Proto3Json.isWellKnown(type.getFullName()) && seen.add(type) && reaches(type, target, seen)) {
        return true;
      }
    }
    return false;
  }

  /** Scalars, enums and the well-known types JSON writes as one string, number or boolean. */
  private static boolean fitsInText(FieldDescriptor field) {
    return field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
        || Proto3Json.isScalarLike(field.getMessageType().getFullName());
  }

  private ObjectNode parameter(String name, String in, FieldDescriptor field, boolean required) {
    ObjectNode parameter = JSON.objectNode().put("name", name).put("in", in);
    SchemaRegistry.putIfNotEmpty(parameter, "description", schemas.description(field));
    if (required) {
      parameter.put("required", true);
    }
    parameter.set("schema", schemas.field(field));
    return parameter;
  }
}
