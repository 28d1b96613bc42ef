package io.marketprism.gateway.openapi;

import static io.marketprism.gateway.openapi.OpenApiDocumentTest.collectRefs;
import static io.marketprism.gateway.openapi.OpenApiDocumentTest.fieldNames;
import static io.marketprism.gateway.openapi.OpenApiDocumentTest.json;
import static io.marketprism.gateway.openapi.OpenApiDocumentTest.names;
import static io.marketprism.gateway.openapi.OpenApiDocumentTest.parameter;
import static io.marketprism.gateway.openapi.OpenApiDocumentTest.validationMessages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.AnnotationsProto;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shapes the real contracts do not use (yet): additional bindings, recursive messages, maps and well-known types as
 * query parameters, {@code response_body}, custom methods, unsigned integers. The contract is written as a
 * {@code FileDescriptorProto} in text format, with its own source info for the comments.
 */
class SyntheticContractTest {

  private static final String CONTRACT =
      """
      name: "test/v1/tree.proto"
      package: "test.v1"
      dependency: "google/api/annotations.proto"
      dependency: "google/api/field_behavior.proto"
      dependency: "google/protobuf/timestamp.proto"
      dependency: "google/protobuf/duration.proto"
      dependency: "google/protobuf/wrappers.proto"
      dependency: "google/protobuf/struct.proto"
      dependency: "google/protobuf/field_mask.proto"
      syntax: "proto3"
      message_type {
        name: "Node"
        field { name: "id" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
        field { name: "children" number: 2 label: LABEL_REPEATED type: TYPE_MESSAGE type_name: ".test.v1.Node" }
        field { name: "parent" number: 3 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".test.v1.Node" }
        field {
          name: "etag" number: 4 label: LABEL_OPTIONAL type: TYPE_STRING
          options { [google.api.field_behavior]: OUTPUT_ONLY }
        }
      }
      message_type {
        name: "Filter"
        field { name: "kind" number: 1 label: LABEL_OPTIONAL type: TYPE_ENUM type_name: ".test.v1.Kind" }
        field { name: "within" number: 2 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Duration" }
      }
      message_type {
        name: "GetNodeRequest"
        field {
          name: "id" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING
          options { [google.api.field_behavior]: REQUIRED }
        }
        field { name: "count" number: 2 label: LABEL_OPTIONAL type: TYPE_UINT64 }
        field { name: "at" number: 3 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" }
        field { name: "min" number: 4 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Int32Value" }
        field { name: "filter" number: 5 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".test.v1.Filter" }
        field { name: "tags" number: 6 label: LABEL_REPEATED type: TYPE_STRING }
        field {
          name: "labels" number: 7 label: LABEL_REPEATED type: TYPE_MESSAGE
          type_name: ".test.v1.GetNodeRequest.LabelsEntry"
        }
        field { name: "extra" number: 8 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Struct" }
        field { name: "node" number: 9 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".test.v1.Node" }
        field { name: "weights" number: 10 label: LABEL_REPEATED type: TYPE_DOUBLE }
        field { name: "small" number: 11 label: LABEL_OPTIONAL type: TYPE_UINT32 }
        field { name: "blob" number: 12 label: LABEL_OPTIONAL type: TYPE_BYTES }
        nested_type {
          name: "LabelsEntry"
          field { name: "key" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
          field { name: "value" number: 2 label: LABEL_OPTIONAL type: TYPE_INT64 }
          options { map_entry: true }
        }
      }
      message_type {
        name: "UpdateNodeRequest"
        field { name: "node" number: 1 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".test.v1.Node" }
        field {
          name: "update_mask" number: 2 label: LABEL_OPTIONAL type: TYPE_MESSAGE
          type_name: ".google.protobuf.FieldMask"
        }
      }
      message_type {
        name: "UpdateNodeResponse"
        field { name: "node" number: 1 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".test.v1.Node" }
      }
      enum_type {
        name: "Kind"
        value { name: "KIND_UNSPECIFIED" number: 0 }
        value { name: "KIND_LEAF" number: 1 }
      }
      service {
        name: "TreeService"
        method {
          name: "GetNode" input_type: ".test.v1.GetNodeRequest" output_type: ".test.v1.Node"
          options {
            [google.api.http] {
              get: "/v1/nodes/{id}"
              additional_bindings { get: "/v1/kinds/{filter.kind}/nodes/{id=nodes/*}" }
              additional_bindings { post: "/v1/nodes/{id}:get" body: "*" }
            }
          }
        }
        method {
          name: "UpdateNode" input_type: ".test.v1.UpdateNodeRequest" output_type: ".test.v1.UpdateNodeResponse"
          options {
            [google.api.http] { patch: "/v1/nodes/{node.id}" body: "node" response_body: "node" }
          }
        }
        method {
          name: "HeadNode" input_type: ".test.v1.GetNodeRequest" output_type: ".test.v1.Node"
          options { [google.api.http] { custom { kind: "HEAD" path: "/v1/nodes/{id}" } } }
        }
        method {
          name: "WatchNodes" input_type: ".test.v1.Filter" output_type: ".test.v1.Node" server_streaming: true
          options { [google.api.http] { get: "/v1/nodes:watch" } }
        }
        method { name: "Internal" input_type: ".test.v1.Filter" output_type: ".test.v1.Node" }
      }
      source_code_info {
        location { path: [4, 0] leading_comments: " A node of a tree.\\n" }
        location { path: [4, 2, 2, 0] trailing_comments: " The id of the node to get.\\n" }
        location { path: [5, 0, 2, 1] leading_comments: " A leaf: no children.\\n" }
        location { path: [6, 0] leading_comments: " Reads and writes trees.\\n" }
        location {
          path: [6, 0, 2, 0]
          leading_comments: " Gets one node. Or its twin.\\n More of the first paragraph.\\n\\n A second paragraph.\\n"
        }
      }
      """;

  private static final FileDescriptorProto PROTO = parse(CONTRACT);
  private static final ServiceDescriptor SERVICE = build(PROTO).findServiceByName("TreeService");
  private static final ProtoComments COMMENTS =
      ProtoComments.of(FileDescriptorSet.newBuilder().addFile(PROTO).build());
  private static final JsonNode DOC =
      OpenApiDocument.generate("Tree", "1", List.of(SERVICE), COMMENTS).json();

  @Test
  void additionalBindingsAreOperationsOfTheirOwn() {
    assertThat(DOC.at("/paths/~1v1~1nodes~1{id}/get/operationId").asText()).isEqualTo("TreeService_GetNode");
    // The variable's own pattern (id=nodes/*) is dropped; its name stays.
    JsonNode second = DOC.at("/paths/~1v1~1kinds~1{filter.kind}~1nodes~1{id}/get");
    assertThat(second.get("operationId").asText()).isEqualTo("TreeService_GetNode_2");
    assertThat(parameter(second, "filter.kind").at("/schema/$ref").asText())
        .isEqualTo("#/components/schemas/test.v1.Kind");
    assertThat(names(second.get("parameters"), "name"))
        .startsWith("filter.kind", "id")
        .containsOnlyOnce("filter.kind")
        .contains("filter.within");

    JsonNode third = DOC.at("/paths/~1v1~1nodes~1{id}:get/post");
    assertThat(third.get("operationId").asText()).isEqualTo("TreeService_GetNode_3");
    assertThat(names(third.get("parameters"), "name")).containsExactly("id");
    JsonNode body = third.at("/requestBody/content/application~1json/schema");
    assertThat(fieldNames(body.get("properties"))).doesNotContain("id").contains("count", "labels", "extra", "node");
    assertThat(body.has("required")).isFalse();
  }

  @Test
  void queryParametersAreTheFieldsATextValueCanCarry() {
    JsonNode get = DOC.at("/paths/~1v1~1nodes~1{id}/get");
    // Maps, Struct, repeated messages and the recursive Node only travel in a body.
    assertThat(names(get.get("parameters"), "name"))
        .containsExactly(
            "id", "count", "at", "min", "filter.kind", "filter.within", "tags", "weights", "small", "blob");
    assertThat(parameter(get, "count").get("schema")).isEqualTo(json("{\"type\": \"string\", \"format\": \"uint64\"}"));
    assertThat(parameter(get, "at").get("schema"))
        .isEqualTo(json("{\"type\": \"string\", \"format\": \"date-time\"}"));
    assertThat(parameter(get, "min").get("schema"))
        .isEqualTo(json("{\"type\": \"integer\", \"format\": \"int32\", \"nullable\": true}"));
    assertThat(parameter(get, "filter.within").at("/schema/example").asText()).isEqualTo("30s");
    assertThat(parameter(get, "tags").get("schema"))
        .isEqualTo(json("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"));
    assertThat(parameter(get, "weights").at("/schema/items"))
        .isEqualTo(json("{\"type\": \"number\", \"format\": \"double\"}"));
    assertThat(parameter(get, "small").get("schema")).isEqualTo(json("{\"type\": \"integer\", \"format\": \"int64\"}"));
    assertThat(parameter(get, "blob").get("schema")).isEqualTo(json("{\"type\": \"string\", \"format\": \"byte\"}"));
    assertThat(parameter(get, "id").get("description").asText()).isEqualTo("The id of the node to get.");
  }

  @Test
  void recursiveMessagesReferToThemselves() {
    JsonNode node = DOC.at("/components/schemas/test.v1.Node");
    assertThat(node.get("description").asText()).isEqualTo("A node of a tree.");
    assertThat(node.at("/properties/parent/$ref").asText()).isEqualTo("#/components/schemas/test.v1.Node");
    assertThat(node.at("/properties/children/items/$ref").asText()).isEqualTo("#/components/schemas/test.v1.Node");
    assertThat(node.at("/properties/etag/readOnly").asBoolean()).isTrue();
    Set<String> refs = new HashSet<>();
    collectRefs(DOC, refs);
    assertThat(refs).allSatisfy(ref -> assertThat(DOC.at("/components/schemas").has(ref.substring(SchemaRegistry.REF_PREFIX.length()))).isTrue());
  }

  @Test
  void mapsAreObjectsOfTheirValues() {
    // The body of POST /v1/nodes/{id}:get: GetNodeRequest without id, inline.
    JsonNode request = DOC.at("/paths/~1v1~1nodes~1{id}:get/post/requestBody/content/application~1json/schema");
    assertThat(request.at("/properties/labels"))
        .isEqualTo(json("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\", \"format\": \"int64\"}}"));
    assertThat(request.at("/properties/extra"))
        .isEqualTo(json("{\"type\": \"object\", \"additionalProperties\": true}"));
    assertThat(request.has("required")).isFalse();
    // Map entries are no schemas of their own.
    assertThat(DOC.at("/components/schemas").has("test.v1.GetNodeRequest.LabelsEntry")).isFalse();
  }

  @Test
  void aBodyFieldAndAResponseBodyFieldAreThoseFields() {
    JsonNode patch = DOC.at("/paths/~1v1~1nodes~1{node.id}/patch");
    assertThat(patch.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/test.v1.Node");
    assertThat(patch.at("/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/test.v1.Node");
    assertThat(names(patch.get("parameters"), "name")).containsExactly("node.id", "update_mask");
  }

  @Test
  void customMethodsAndStreamsAreOperations() {
    assertThat(DOC.at("/paths/~1v1~1nodes~1{id}/head/operationId").asText()).isEqualTo("TreeService_HeadNode");
    JsonNode watch = DOC.at("/paths/~1v1~1nodes:watch/get");
    assertThat(fieldNames(watch.at("/responses/200/content"))).containsExactly("application/json", "text/event-stream");
    assertThat(names(watch.get("parameters"), "name")).containsExactly("kind", "within");
    assertThat(OpenApiDocumentTest.operations(DOC)).hasSize(6);
  }

  @Test
  void theMethodCommentGivesSummaryAndDescription() {
    JsonNode get = DOC.at("/paths/~1v1~1nodes~1{id}/get");
    assertThat(get.get("summary").asText()).isEqualTo("Gets one node.");
    assertThat(get.get("description").asText())
        .isEqualTo("Gets one node. Or its twin.\nMore of the first paragraph.\n\nA second paragraph.");
    assertThat(DOC.at("/tags/0/description").asText()).isEqualTo("Reads and writes trees.");
    assertThat(DOC.at("/components/schemas/test.v1.Kind/description").asText())
        .isEqualTo("- `KIND_UNSPECIFIED`\n- `KIND_LEAF`: A leaf: no children.");
  }

  @Test
  void isAValidOpenApi3Document() {
    assertThat(validationMessages(DOC)).isEmpty();
  }

  @Test
  void twoRulesOnOneRouteAreRefused() {
    FileDescriptorProto clash =
        parse(
            CONTRACT.replace(
                "custom { kind: \"HEAD\" path: \"/v1/nodes/{id}\" }", "get: \"/v1/nodes/{id}\""));
    ServiceDescriptor service = build(clash).findServiceByName("TreeService");
    assertThatThrownBy(() -> OpenApiDocument.generate("Tree", "1", List.of(service), ProtoComments.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET /v1/nodes/{id} is bound to both test.v1.TreeService.GetNode and test.v1.TreeService.HeadNode");
  }

  @Test
  void aPathVariableMustNameAField() {
    FileDescriptorProto wrong = parse(CONTRACT.replace("get: \"/v1/nodes:watch\"", "get: \"/v1/nodes/{nope}:watch\""));
    ServiceDescriptor service = build(wrong).findServiceByName("TreeService");
    assertThatThrownBy(() -> OpenApiDocument.generate("Tree", "1", List.of(service), ProtoComments.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no field nope in test.v1.Filter");
  }

  private static FileDescriptorProto parse(String text) {
    ExtensionRegistry registry = ExtensionRegistry.newInstance();
    AnnotationsProto.registerAllExtensions(registry);
    FieldBehaviorProto.registerAllExtensions(registry);
    FileDescriptorProto.Builder builder = FileDescriptorProto.newBuilder();
    try {
      TextFormat.getParser().merge(text, registry, builder);
    } catch (TextFormat.ParseException e) {
      throw new IllegalArgumentException(e);
    }
    return builder.build();
  }

  private static FileDescriptor build(FileDescriptorProto proto) {
    try {
      return FileDescriptor.buildFrom(
          proto,
          new FileDescriptor[] {
            AnnotationsProto.getDescriptor(),
            FieldBehaviorProto.getDescriptor(),
            TimestampProto.getDescriptor(),
            DurationProto.getDescriptor(),
            WrappersProto.getDescriptor(),
            StructProto.getDescriptor(),
            FieldMaskProto.getDescriptor()
          });
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
