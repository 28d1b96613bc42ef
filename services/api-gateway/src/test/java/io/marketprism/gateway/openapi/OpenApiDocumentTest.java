package io.marketprism.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The document of the seven real services, checked for what a curl or Swagger user relies on. */
class OpenApiDocumentTest {

  /** The services as production passes them: from the generated stubs' schema descriptors. */
  static final List<ServiceDescriptor> SERVICES =
      List.of(
              StorageServiceGrpc.getServiceDescriptor(),
              CollectorServiceGrpc.getServiceDescriptor(),
              BrokerServiceGrpc.getServiceDescriptor(),
              ConfigServiceGrpc.getServiceDescriptor(),
              SchedulerServiceGrpc.getServiceDescriptor(),
              MonitoringServiceGrpc.getServiceDescriptor(),
              RegistryServiceGrpc.getServiceDescriptor())
          .stream()
          .map(s -> ((ProtoServiceDescriptorSupplier) s.getSchemaDescriptor()).getServiceDescriptor())
          .toList();

  private static final OpenApiDocument DOCUMENT = OpenApiDocument.generate("MarketPrism", "0.1.0", SERVICES);
  private static final JsonNode DOC = DOCUMENT.json();

  @Test
  void everyBoundMethodIsAnOperationWithAUniqueId() {
    int bindings = 0;
    for (ServiceDescriptor service : SERVICES) {
      for (MethodDescriptor method : service.getMethods()) {
        bindings += HttpBinding.of(method).size();
      }
    }
    List<JsonNode> operations = operations(DOC);
    assertThat(bindings).isGreaterThan(60);
    assertThat(operations).hasSize(bindings);
    assertThat(operations.stream().map(op -> op.get("operationId").asText()).distinct()).hasSize(bindings);
    assertThat(DOC.at("/paths/~1v1~1trades~1{exchange}~1{symbol}/get/operationId").asText())
        .isEqualTo("StorageService_ListTrades");
    assertThat(DOC.at("/paths/~1v1~1trades~1{exchange}~1{symbol}/get/tags/0").asText()).isEqualTo("StorageService");
    assertThat(names(DOC.get("tags"), "name"))
        .containsExactly(
            "StorageService", "CollectorService", "BrokerService", "ConfigService", "SchedulerService",
            "MonitoringService", "RegistryService");
    // Internal and bidirectional methods have no rule, so no operation.
    assertThat(operations).noneMatch(op -> op.get("operationId").asText().equals("RegistryService_KeepAlive"));
  }

  @Test
  void listTradesTakesExchangeAndSymbolInThePathAndTheRestAsQueryParameters() {
    JsonNode get = operation("/v1/trades/{exchange}/{symbol}", "get");

    assertThat(parameter(get, "exchange").get("in").asText()).isEqualTo("path");
    assertThat(parameter(get, "exchange").get("required").asBoolean()).isTrue();
    assertThat(parameter(get, "exchange").at("/schema/type").asText()).isEqualTo("string");
    assertThat(parameter(get, "symbol").get("in").asText()).isEqualTo("path");
    assertThat(parameter(get, "symbol").get("required").asBoolean()).isTrue();

    assertThat(names(get.get("parameters"), "name"))
        .startsWith("exchange", "symbol", "start_time_ns", "end_time_ns", "limit", "page_token");
    assertThat(parameter(get, "start_time_ns").get("in").asText()).isEqualTo("query");
    assertThat(parameter(get, "start_time_ns").get("schema"))
        .isEqualTo(json("{\"type\": \"string\", \"format\": \"int64\"}"));
    assertThat(parameter(get, "limit").get("schema")).isEqualTo(json("{\"type\": \"integer\", \"format\": \"int32\"}"));
    assertThat(parameter(get, "page_token").at("/schema/type").asText()).isEqualTo("string");
    assertThat(parameter(get, "limit").has("required")).isFalse();

    assertThat(get.has("requestBody")).isFalse();
    assertThat(get.at("/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.storage.v1.ListTradesResponse");
    assertThat(get.at("/responses/200/content").has("text/event-stream")).isFalse();
  }

  @Test
  void configPutTakesTheEntryInTheBodyAndItsKeyInThePath() {
    JsonNode path = DOC.at("/paths/~1v1~1config~1{environment}~1{namespace}~1{key}");
    assertThat(fieldNames(path)).containsExactly("get", "put", "delete");

    JsonNode put = path.get("put");
    assertThat(put.get("operationId").asText()).isEqualTo("ConfigService_Put");
    assertThat(names(put.get("parameters"), "name")).containsExactly("environment", "namespace", "key");
    assertThat(put.at("/requestBody/required").asBoolean()).isTrue();
    // body "*" minus the fields the path carries.
    JsonNode body = put.at("/requestBody/content/application~1json/schema");
    assertThat(body.get("type").asText()).isEqualTo("object");
    assertThat(fieldNames(body.get("properties")))
        .contains("value", "expected_version")
        .doesNotContain("environment", "namespace", "key");
    assertThat(body.at("/properties/expected_version/format").asText()).isEqualTo("int64");
    assertThat(body.has("required")).isFalse();
  }

  @Test
  void updateStreamPatchesTheConfigNamedByANestedPathVariable() {
    JsonNode patch = operation("/v1/broker/streams/{config.name}", "patch");

    JsonNode name = parameter(patch, "config.name");
    assertThat(name.get("in").asText()).isEqualTo("path");
    assertThat(name.get("required").asBoolean()).isTrue();
    assertThat(name.at("/schema/type").asText()).isEqualTo("string");
    // body "config": that field's message; the rest of the request is query parameters.
    assertThat(patch.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.broker.v1.StreamConfig");
    assertThat(names(patch.get("parameters"), "name")).containsExactly("config.name", "update_mask");
    assertThat(parameter(patch, "update_mask").at("/schema/type").asText()).isEqualTo("string");
    assertThat(parameter(patch, "update_mask").get("required").asBoolean()).isTrue();
  }

  @Test
  void customVerbsStayInThePath() {
    JsonNode archive = operation("/v1/storage:archive", "post");
    assertThat(archive.get("operationId").asText()).isEqualTo("StorageService_Archive");
    assertThat(archive.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.storage.v1.ArchiveRequest");
    assertThat(archive.has("parameters")).isFalse();
    assertThat(operation("/v1/scheduler/tasks/{task_id}:pause", "post").get("operationId").asText())
        .isEqualTo("SchedulerService_PauseTask");
  }

  @Test
  void tradeSchemaFollowsTheProto3JsonMapping() {
    JsonNode trade = schema("marketprism.marketdata.v1.Trade");
    assertThat(trade.get("type").asText()).isEqualTo("object");
    assertThat(fieldNames(trade.get("properties")))
        .startsWith(
            "exchange", "symbol", "native_symbol", "trade_id", "side", "price", "amount", "exchange_time_ns",
            "receive_time_ns");
    assertThat(trade.at("/properties/price/type").asText()).isEqualTo("string");
    assertThat(trade.at("/properties/exchange_time_ns/type").asText()).isEqualTo("string");
    assertThat(trade.at("/properties/exchange_time_ns/format").asText()).isEqualTo("int64");
    // A referenced enum with a comment is wrapped in allOf, since 3.0 ignores keywords beside $ref.
    assertThat(trade.at("/properties/side/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.marketdata.v1.Side");
    JsonNode side = schema("marketprism.marketdata.v1.Side");
    assertThat(side.get("type").asText()).isEqualTo("string");
    assertThat(names(side.get("enum"), null)).contains("SIDE_UNSPECIFIED", "SIDE_BUY", "SIDE_SELL");
    assertThat(schema("marketprism.storage.v1.ListTradesResponse").at("/properties/trades/items/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.marketdata.v1.Trade");
  }

  @Test
  void wellKnownTypesMapsOneofsAndFieldBehavioursAreDescribed() {
    JsonNode task = schema("marketprism.scheduler.v1.Task");
    assertThat(task.at("/properties/create_time/type").asText()).isEqualTo("string");
    assertThat(task.at("/properties/create_time/format").asText()).isEqualTo("date-time");
    assertThat(task.at("/properties/create_time/readOnly").asBoolean()).isTrue();

    JsonNode target = schema("marketprism.scheduler.v1.Target");
    assertThat(target.at("/properties/request/type").asText()).isEqualTo("object");
    assertThat(target.at("/properties/request/properties/@type/type").asText()).isEqualTo("string");
    assertThat(names(target.get("required"), null)).contains("request");

    JsonNode rule = schema("marketprism.monitoring.v1.AlertRule");
    assertThat(rule.at("/properties/labels/type").asText()).isEqualTo("object");
    assertThat(rule.at("/properties/labels/additionalProperties/type").asText()).isEqualTo("string");
    assertThat(rule.at("/properties/for_duration/type").asText()).isEqualTo("string");
    assertThat(rule.at("/properties/for_duration/example").asText()).isEqualTo("30s");

    JsonNode event = schema("marketprism.marketdata.v1.MarketEvent");
    assertThat(fieldNames(event.get("properties"))).contains("trade", "book_snapshot", "book_delta", "ticker");
    assertThat(event.get("description").asText()).contains("Oneof `event`: at most one of `trade`, `book_snapshot`");
    assertThat(event.at("/properties/trade/description").asText()).contains("Part of oneof `event`");

    JsonNode broker = schema("marketprism.broker.v1.PublishRequest");
    assertThat(broker.at("/properties/payload/format").asText()).isEqualTo("byte");
  }

  @Test
  void serverStreamingMethodsOfferServerSentEvents() {
    JsonNode follow = operation("/v1/events/{exchange}/{symbol}:follow", "get");
    JsonNode ok = follow.at("/responses/200");
    assertThat(fieldNames(ok.get("content"))).containsExactly("application/json", "text/event-stream");
    assertThat(ok.at("/content/text~1event-stream/schema/$ref").asText())
        .isEqualTo("#/components/schemas/marketprism.storage.v1.FollowEventsResponse");
    assertThat(ok.get("description").asText()).contains("Server-Sent Events", "one event per response message");
    assertThat(fieldNames(operation("/v1/config/{environment}/{namespace}:watch", "get").at("/responses/200/content")))
        .contains("text/event-stream");
  }

  @Test
  void errorsAreGoogleRpcStatus() {
    JsonNode error = operation("/v1/trades/{exchange}/{symbol}", "get").at("/responses/default");
    assertThat(error.at("/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/google.rpc.Status");
    JsonNode status = schema("google.rpc.Status");
    assertThat(status.at("/properties/code/type").asText()).isEqualTo("integer");
    assertThat(status.at("/properties/code/format").asText()).isEqualTo("int32");
    assertThat(status.at("/properties/message/type").asText()).isEqualTo("string");
    assertThat(status.at("/properties/details/type").asText()).isEqualTo("array");
    assertThat(status.at("/properties/details/items/properties/@type/type").asText()).isEqualTo("string");
  }

  @Test
  void protoCommentsBecomeSummariesAndDescriptions() {
    JsonNode get = operation("/v1/trades/{exchange}/{symbol}", "get");
    assertThat(get.get("summary").asText())
        .isEqualTo(
            "Lists trades of one instrument in a time range, each page ordered by (exchange_time_ns, trade_id)"
                + " ascending, trade_id compared as text.");
    assertThat(get.get("description").asText()).contains("the MOST RECENT trades before `end_time_ns`");
    assertThat(parameter(get, "limit").get("description").asText()).startsWith("Maximum trades in this page: 0 means 1000");
    assertThat(schema("marketprism.marketdata.v1.Trade").at("/properties/price/description").asText())
        .isEqualTo("Execution price in the quote currency, decimal string.");
    assertThat(schema("marketprism.marketdata.v1.Side").get("description").asText()).contains("- `SIDE_BUY`");
    assertThat(DOC.at("/tags/0/description").asText()).startsWith("Reads stored market data and manages its tiers.");
  }

  @Test
  void withoutTheDescriptorSetTheDocumentHasNoDescriptions() {
    JsonNode bare = OpenApiDocument.generate("MarketPrism", "0.1.0", SERVICES, ProtoComments.none()).json();
    JsonNode get = bare.at("/paths/~1v1~1trades~1{exchange}~1{symbol}/get");
    assertThat(get.has("summary")).isFalse();
    assertThat(get.has("description")).isFalse();
    assertThat(bare.at("/components/schemas/marketprism.marketdata.v1.Trade/properties/price"))
        .isEqualTo(json("{\"type\": \"string\"}"));
    assertThat(validationMessages(bare)).isEmpty();
  }

  @Test
  void everyReferenceResolves() {
    Set<String> refs = new HashSet<>();
    collectRefs(DOC, refs);
    assertThat(refs).hasSizeGreaterThan(100);
    for (String ref : refs) {
      assertThat(ref).startsWith(SchemaRegistry.REF_PREFIX);
      assertThat(DOC.at("/components/schemas").has(ref.substring(SchemaRegistry.REF_PREFIX.length())))
          .as(ref)
          .isTrue();
    }
  }

  @Test
  void callersAuthenticateWithABearerTokenOrAnApiKey() {
    assertThat(DOC.get("openapi").asText()).isEqualTo("3.0.3");
    assertThat(DOC.at("/info/title").asText()).isEqualTo("MarketPrism");
    assertThat(DOC.at("/info/version").asText()).isEqualTo("0.1.0");
    JsonNode bearer = DOC.at("/components/securitySchemes/bearer");
    assertThat(List.of(bearer.get("type").asText(), bearer.get("scheme").asText(), bearer.get("bearerFormat").asText()))
        .containsExactly("http", "bearer", "JWT");
    JsonNode apiKey = DOC.at("/components/securitySchemes/apiKey");
    assertThat(List.of(apiKey.get("type").asText(), apiKey.get("in").asText(), apiKey.get("name").asText()))
        .containsExactly("apiKey", "header", "x-api-key");
    assertThat(DOC.get("security")).isEqualTo(json("[{\"bearer\": []}, {\"apiKey\": []}]"));
  }

  @Test
  void isAValidOpenApi3Document() {
    assertThat(validationMessages(DOC)).isEmpty();
  }

  @Test
  void noServicesGiveAnEmptyButValidDocument() {
    JsonNode empty = OpenApiDocument.generate("Nothing", "0", List.of()).json();
    assertThat(empty.get("paths").isEmpty()).isTrue();
    assertThat(empty.at("/components/schemas").isEmpty()).isTrue();
    assertThat(validationMessages(empty)).isEmpty();
  }

  @Test
  void theValidatorFindsWhatABrokenDocumentLacks() {
    ObjectNode broken = DOCUMENT.json();
    ((ObjectNode) broken.at("/paths/~1v1~1trades~1{exchange}~1{symbol}/get")).remove("responses");
    ((ObjectNode) broken.at("/paths/~1v1~1storage:archive/post")).remove("requestBody");
    ((ObjectNode) broken.at("/components/schemas")).remove("marketprism.marketdata.v1.Trade");
    assertThat(validationMessages(broken))
        .anyMatch(message -> message.contains("(get).responses is missing"))
        .anyMatch(message -> message.contains("marketprism.marketdata.v1.Trade is not of type `schema`"));
  }

  @Test
  void theTextIsTheDocumentAndTheTreeIsACopy() throws Exception {
    assertThat(new ObjectMapper().readTree(DOCUMENT.toJsonString())).isEqualTo(DOC);
    assertThat(DOCUMENT.toJsonString()).isSameAs(DOCUMENT.toJsonString());
    ObjectNode copy = DOCUMENT.json();
    copy.remove("paths");
    assertThat(DOCUMENT.json().has("paths")).isTrue();
  }

  /** What swagger-parser finds wrong with a document: structure, references, path parameters. */
  static List<String> validationMessages(JsonNode document) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(document.toString(), null, options);
    assertThat(result.getOpenAPI()).isNotNull();
    return result.getMessages() == null ? List.of() : result.getMessages();
  }

  static List<JsonNode> operations(JsonNode document) {
    List<JsonNode> out = new ArrayList<>();
    document.get("paths").forEach(item -> item.forEach(out::add));
    return out;
  }

  static void collectRefs(JsonNode node, Set<String> out) {
    if (node.isObject() && node.has("$ref")) {
      out.add(node.get("$ref").asText());
    }
    node.forEach(child -> collectRefs(child, out));
  }

  static List<String> names(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(node -> field == null ? node.asText() : node.get(field).asText())
        .toList();
  }

  static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  static JsonNode parameter(JsonNode operation, String name) {
    for (JsonNode parameter : operation.get("parameters")) {
      if (parameter.get("name").asText().equals(name)) {
        return parameter;
      }
    }
    throw new AssertionError("no parameter " + name + " in " + operation.get("operationId"));
  }

  static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode operation(String path, String method) {
    JsonNode operation = DOC.get("paths").path(path).path(method);
    assertThat(operation.isObject()).as(method + " " + path).isTrue();
    return operation;
  }

  private static JsonNode schema(String name) {
    JsonNode schema = DOC.at("/components/schemas").path(name);
    assertThat(schema.isObject()).as(name).isTrue();
    return schema;
  }
}
