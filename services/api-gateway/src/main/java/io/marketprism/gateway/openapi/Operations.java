package io.marketprism.gateway.openapi;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.rpc.Status;
import java.util.List;

/** The OpenAPI operation of one binding of a gRPC method: parameters, request body and responses. */
final class Operations {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final String SSE =
      "\n\nServer-streaming: with `Accept: text/event-stream` the gateway answers with Server-Sent Events, one event"
          + " per response message, its `data` the message's JSON.";

  private final SchemaRegistry schemas;
  private final ProtoComments comments;
  private final Parameters parameters;

  Operations(SchemaRegistry schemas, ProtoComments comments) {
    this.schemas = schemas;
    this.comments = comments;
    this.parameters = new Parameters(schemas);
  }

  ObjectNode operation(MethodDescriptor method, HttpBinding binding, String operationId) {
    ObjectNode operation = JSON.objectNode();
    operation.putArray("tags").add(method.getService().getName());
    String comment = comments.of(method);
    SchemaRegistry.putIfNotEmpty(operation, "summary", summary(comment));
    SchemaRegistry.putIfNotEmpty(operation, "description", comment);
    operation.put("operationId", operationId);
    List<ObjectNode> params = parameters.of(method.getInputType(), binding);
    if (!params.isEmpty()) {
      operation.putArray("parameters").addAll(params);
    }
    if (!binding.body().isEmpty()) {
      operation.set("requestBody", requestBody(method.getInputType(), binding));
    }
    operation.set("responses", responses(method, binding));
    if (method.getOptions().getDeprecated()) {
      operation.put("deprecated", true);
    }
    return operation;
  }

  private ObjectNode requestBody(Descriptor request, HttpBinding binding) {
    ObjectNode body = JSON.objectNode();
    ObjectNode schema;
    if (binding.body().equals("*")) {
      // Fields the path carries are not read from the body; nested ones (a.b) leave their message in it.
      List<String> inPath = binding.path().variables().stream().filter(v -> !v.contains(".")).toList();
      schema = inPath.isEmpty() ? schemas.message(request) : schemas.messageWithout(request, inPath);
    } else {
      FieldDescriptor field = field(request, binding.body(), "body");
      SchemaRegistry.putIfNotEmpty(body, "description", comments.of(field));
      schema = schemas.field(field);
    }
    body.put("required", true);
    body.putObject("content").putObject("application/json").set("schema", schema);
    return body;
  }

  private ObjectNode responses(MethodDescriptor method, HttpBinding binding) {
    Descriptor response = method.getOutputType();
    ObjectNode schema =
        binding.responseBody().isEmpty()
            ? schemas.message(response)
            : schemas.field(field(response, binding.responseBody(), "response_body"));
    ObjectNode responses = JSON.objectNode();
    ObjectNode ok = responses.putObject("200");
    ObjectNode content = JSON.objectNode();
    content.putObject("application/json").set("schema", schema);
    if (method.isServerStreaming()) {
      ok.put("description", "A stream of " + response.getName() + "." + SSE);
      content.putObject("text/event-stream").set("schema", schema.deepCopy());
    } else {
      ok.put("description", "OK");
    }
    ok.set("content", content);
    ObjectNode error = responses.putObject("default");
    error.put(
        "description",
        "An error: the gRPC status as JSON, its code mapped to the HTTP status (INVALID_ARGUMENT 400,"
            + " UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...),"
            + " with google.rpc details such as BadRequest or RetryInfo.");
    error.putObject("content").putObject("application/json").set("schema", schemas.message(Status.getDescriptor()));
    return responses;
  }

  private static FieldDescriptor field(Descriptor message, String name, String option) {
    FieldDescriptor field = message.findFieldByName(name);
    if (field == null) {
      throw new IllegalArgumentException(option + " \"" + name + "\" names no field of " + message.getFullName());
    }
    return field;
  }

  /** The first sentence of the comment's first paragraph, on one line: what a list of operations shows. */
  static String summary(String comment) {
    String paragraph = comment.split("\n\\s*\n", 2)[0].replaceAll("\\s*\n\\s*", " ").strip();
    int end = paragraph.indexOf(". ");
    return end < 0 ? paragraph : paragraph.substring(0, end + 1);
  }
}
