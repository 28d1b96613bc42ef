package io.marketprism.gateway.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's {@code GET /openapi.json}: an OpenAPI 3.0.3 document of every REST binding of the given gRPC
 * services, made at run time from their descriptors, as grpc-gateway's protoc-gen-openapiv2 does at build time.
 *
 * <p>It describes what the gateway's HTTP/JSON transcoding does: each {@code google.api.http} rule and its
 * {@code additional_bindings} is one operation ({@code operationId} {@code Service_Method}, then
 * {@code Service_Method_2}, ... for additional bindings); JSON follows the proto3 mapping with proto field names;
 * query parameters are named by field path. Comments of the proto sources become summaries and descriptions when
 * the proto module's descriptor set is on the classpath.
 *
 * <p>Immutable and thread-safe; the JSON text is made once, so serving it costs nothing.
 */
public final class OpenApiDocument {

  static final String OPENAPI_VERSION = "3.0.3";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final String CONVENTIONS =
      """
      MarketPrism's REST/JSON API: the gateway transcodes each call to the gRPC method named in the operation's \
      tag and id, following the method's `google.api.http` rule.

      JSON is the proto3 JSON mapping with proto field names (snake_case): 64-bit integers are strings, enums are \
      their value names, timestamps are RFC 3339 strings, durations are like `30s`, and a field holding its default \
      value (0, "", false, empty) may be left out of a response. Query parameters are named by proto field name, a \
      nested field by its dotted path (`config.name`).

      Errors answer with the HTTP status of their gRPC code and a `google.rpc.Status` body. Server-streaming methods \
      answer with Server-Sent Events when asked for `text/event-stream`.""";

  private final ObjectNode json;
  private final String text;

  private OpenApiDocument(ObjectNode json) {
    this.json = json;
    try {
      this.text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The document for these services: every method with a {@code google.api.http} rule, including its
   * {@code additional_bindings}.
   *
   * @throws IllegalArgumentException if a rule names a field the request does not have, or two rules bind the same
   *     HTTP method and path (the gateway's transcoding refuses both as well)
   */
  public static OpenApiDocument generate(String title, String version, List<ServiceDescriptor> services) {
    return generate(title, version, services, ProtoComments.shipped());
  }

  static OpenApiDocument generate(String title, String version, List<ServiceDescriptor> services, ProtoComments comments) {
    SchemaRegistry schemas = new SchemaRegistry(comments);
    Operations operations = new Operations(schemas, comments);

    ObjectNode root = JSON.objectNode();
    root.put("openapi", OPENAPI_VERSION);
    root.putObject("info").put("title", title).put("version", version).put("description", CONVENTIONS);
    root.putArray("servers").addObject().put("url", "/");
    // Either credential will do: the gateway takes a JWT or an API key, each proving the caller's role.
    root.putArray("security").add(requirement("bearer")).add(requirement("apiKey"));

    ArrayNode tags = root.putArray("tags");
    Map<String, ObjectNode> paths = new LinkedHashMap<>();
    Map<String, String> boundTo = new LinkedHashMap<>();
    for (ServiceDescriptor service : services) {
      ObjectNode tag = tags.addObject().put("name", service.getName());
      SchemaRegistry.putIfNotEmpty(tag, "description", comments.of(service));
      for (MethodDescriptor method : service.getMethods()) {
        List<HttpBinding> bindings = HttpBinding.of(method);
        for (int i = 0; i < bindings.size(); i++) {
          HttpBinding binding = bindings.get(i);
          String route = binding.httpMethod().toUpperCase(Locale.ROOT) + " " + binding.path().path();
          String previous = boundTo.putIfAbsent(route, method.getFullName());
          if (previous != null) {
            throw new IllegalArgumentException(route + " is bound to both " + previous + " and " + method.getFullName());
          }
          String operationId = service.getName() + "_" + method.getName() + (i == 0 ? "" : "_" + (i + 1));
          paths
              .computeIfAbsent(binding.path().path(), p -> JSON.objectNode())
              .set(binding.httpMethod(), operations.operation(method, binding, operationId));
        }
      }
    }
    ObjectNode pathsNode = root.putObject("paths");
    paths.forEach(pathsNode::set);

    ObjectNode components = root.putObject("components");
    components.set("schemas", schemas.components());
    ObjectNode securitySchemes = components.putObject("securitySchemes");
    securitySchemes
        .putObject("bearer")
        .put("type", "http")
        .put("scheme", "bearer")
        .put("bearerFormat", "JWT")
        .put("description", "A JWT (`./marketprism token --role reader`) or an API key in `Authorization: Bearer`.");
    securitySchemes
        .putObject("apiKey")
        .put("type", "apiKey")
        .put("in", "header")
        .put("name", "x-api-key")
        .put("description", "An API key (`mpk_...`).");
    return new OpenApiDocument(root);
  }

  /** A copy of the document: changing it changes neither this document nor {@link #toJsonString()}. */
  public ObjectNode json() {
    return json.deepCopy();
  }

  /** The document as pretty-printed JSON, made once. */
  public String toJsonString() {
    return text;
  }

  private static ObjectNode requirement(String scheme) {
    ObjectNode requirement = JSON.objectNode();
    requirement.putArray(scheme);
    return requirement;
  }
}
