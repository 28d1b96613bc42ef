package io.marketprism.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules of ARCHITECTURE.md's "Contracts" section that buf lint does not check, run against the descriptor set
 * this module ships.
 */
class ContractRulesTest {

  /**
   * Methods deliberately without a REST mapping, each with the reason. Adding a method to a service means
   * giving it a {@code google.api.http} rule or adding it here.
   */
  private static final Map<String, String> NOT_ON_REST = Map.of(
      "marketprism.broker.v1.BrokerService.Subscribe", "bidirectional stream: client streaming cannot be transcoded",
      "marketprism.registry.v1.RegistryService.Register", "internal: called by the service kit over mTLS",
      "marketprism.registry.v1.RegistryService.KeepAlive", "internal, and a bidirectional stream");

  private static ContractDescriptors descriptors;

  @BeforeAll
  static void loadDescriptorSet() {
    descriptors = ContractDescriptors.load();
  }

  @Test
  void descriptorSetHoldsEveryDomainService() {
    List<String> services = services().map(ServiceDescriptor::getFullName).sorted().toList();

    assertThat(services).containsExactly(
        "marketprism.broker.v1.BrokerService",
        "marketprism.collector.v1.CollectorService",
        "marketprism.config.v1.ConfigService",
        "marketprism.monitoring.v1.MonitoringService",
        "marketprism.registry.v1.RegistryService",
        "marketprism.scheduler.v1.SchedulerService",
        "marketprism.storage.v1.StorageService");
  }

  @Test
  void everyServiceHasMethods() {
    assertThat(services()).allSatisfy(service ->
        assertThat(service.getMethods()).as(service.getFullName()).isNotEmpty());
  }

  @Test
  void everyMethodIsOnRestUnderV1UnlessListedAsAnException() {
    List<String> missing = new ArrayList<>();
    List<String> badPaths = new ArrayList<>();
    for (MethodDescriptor method : methods()) {
      if (NOT_ON_REST.containsKey(method.getFullName())) {
        continue;
      }
      if (!method.getOptions().hasExtension(AnnotationsProto.http)) {
        missing.add(method.getFullName());
        continue;
      }
      String path = pathOf(method.getOptions().getExtension(AnnotationsProto.http));
      if (!path.startsWith("/v1/")) {
        badPaths.add(method.getFullName() + " -> " + path);
      }
    }

    assertThat(missing).as("methods without google.api.http").isEmpty();
    assertThat(badPaths).as("REST paths outside /v1/").isEmpty();
  }

  @Test
  void restExceptionsNameExistingMethodsThatReallyHaveNoRestRule() {
    Map<String, MethodDescriptor> byName = new HashMap<>();
    methods().forEach(method -> byName.put(method.getFullName(), method));

    assertThat(NOT_ON_REST.keySet()).allSatisfy(name -> {
      assertThat(byName).as("exception names a method that exists").containsKey(name);
      assertThat(byName.get(name).getOptions().hasExtension(AnnotationsProto.http)).as(name).isFalse();
    });
  }

  @Test
  void restPathsAreUniquePerVerb() {
    List<String> routes = methods().stream()
        .filter(method -> method.getOptions().hasExtension(AnnotationsProto.http))
        .map(method -> {
          HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
          return rule.getPatternCase() + " " + pathOf(rule).replaceAll("\\{[^}]*}", "{}");
        })
        .toList();

    assertThat(routes).doesNotHaveDuplicates();
  }

  @Test
  void everyEnumStartsWithAnUnspecifiedZero() {
    assertThat(enums()).allSatisfy(type -> {
      assertThat(type.getValues().get(0).getNumber()).as(type.getFullName()).isZero();
      assertThat(type.getValues().get(0).getName()).as(type.getFullName()).endsWith("_UNSPECIFIED");
    });
  }

  @Test
  void marketDataCarriesNoBinaryFloatingPoint() {
    List<FieldDescriptor> marketDataFields = messages()
        .filter(message -> message.getFullName().startsWith("marketprism.marketdata."))
        .flatMap(message -> message.getFields().stream())
        .toList();

    assertThat(marketDataFields).isNotEmpty();
    assertThat(marketDataFields).noneSatisfy(field ->
        assertThat(field.getType()).isIn(FieldDescriptor.Type.DOUBLE, FieldDescriptor.Type.FLOAT));
  }

  @Test
  void updateMethodsTakeAFieldMask() {
    List<MethodDescriptor> updates = methods().stream()
        .filter(method -> method.getName().startsWith("Update"))
        .toList();

    assertThat(updates).isNotEmpty().allSatisfy(method -> {
      FieldDescriptor mask = method.getInputType().findFieldByName("update_mask");
      assertThat(mask).as(method.getFullName()).isNotNull();
      assertThat(mask.getMessageType().getFullName()).isEqualTo("google.protobuf.FieldMask");
    });
  }

  @Test
  void filesDeclareTheirJavaPackageAfterTheirProtoPackage() {
    assertThat(descriptors.ownFiles()).allSatisfy(file -> {
      String domain = file.getPackage().substring("marketprism.".length());
      assertThat(file.getOptions().getJavaPackage()).as(file.getName()).isEqualTo("io.marketprism." + domain);
      assertThat(file.getOptions().getJavaMultipleFiles()).as(file.getName()).isTrue();
      assertThat(file.getServices().size()).as(file.getName() + ": one service per file").isLessThanOrEqualTo(1);
    });
  }

  @Test
  void everyElementCarriesAComment() {
    List<String> uncommented = new ArrayList<>();
    for (FileDescriptorProto file : descriptors.ownProtos()) {
      assertThat(file.hasSourceCodeInfo()).as(file.getName() + " has source info").isTrue();
      Map<List<Integer>, String> comments = new HashMap<>();
      for (Location location : file.getSourceCodeInfo().getLocationList()) {
        comments.put(location.getPathList(), location.getLeadingComments());
      }
      new CommentWalker(file.getName(), comments, uncommented).walk(file);
    }

    assertThat(uncommented).as("elements without a leading comment").isEmpty();
  }

  @Test
  void fieldNamesFixedByTheOperatorInterfaceAreStable() {
    assertThat(fieldNames("marketprism.marketdata.v1.Trade")).containsExactly(
        "exchange", "symbol", "native_symbol", "trade_id", "side", "price", "amount",
        "exchange_time_ns", "receive_time_ns");
    assertThat(fieldNames("marketprism.marketdata.v1.Level")).containsExactly("price", "amount");
    assertThat(fieldNames("marketprism.marketdata.v1.BookSnapshot")).contains("exchange", "symbol", "bids", "asks");
    assertThat(fieldNames("marketprism.marketdata.v1.BookDelta")).contains("exchange", "symbol", "bids", "asks");
    assertThat(fieldNames("marketprism.marketdata.v1.Ticker"))
        .contains("exchange", "symbol", "bid_price", "bid_amount", "ask_price", "ask_amount");
    assertThat(fieldNames("marketprism.marketdata.v1.MarketEvent")).containsExactly(
        "trade", "book_snapshot", "book_delta", "ticker", "funding_rate", "liquidation", "open_interest");
    assertThat(fieldNames("marketprism.storage.v1.ListTradesRequest")).containsExactly(
        "exchange", "symbol", "start_time_ns", "end_time_ns", "limit", "page_token");
    assertThat(fieldNames("marketprism.storage.v1.ListTradesResponse")).containsExactly("trades", "next_page_token");
    // the operator interface fixes Put's five and Get's three; fields added after them leave them as they were
    assertThat(fieldNames("marketprism.config.v1.PutRequest"))
        .startsWith("environment", "namespace", "key", "value", "expected_version");
    assertThat(fieldNames("marketprism.config.v1.PutResponse")).contains("version");
    assertThat(fieldNames("marketprism.config.v1.GetRequest")).startsWith("environment", "namespace", "key");

    MethodDescriptor listTrades = methods().stream()
        .filter(method -> method.getFullName().equals("marketprism.storage.v1.StorageService.ListTrades"))
        .findFirst().orElseThrow();
    assertThat(listTrades.getOptions().getExtension(AnnotationsProto.http).getGet())
        .isEqualTo("/v1/trades/{exchange}/{symbol}");
  }

  @Test
  void dataTypeTokensAreTheMarketEventFieldNames() {
    EnumDescriptor dataType = enums().stream()
        .filter(type -> type.getFullName().equals("marketprism.marketdata.v1.DataType"))
        .findFirst().orElseThrow();
    List<String> tokens = dataType.getValues().stream()
        .filter(value -> value.getNumber() != 0)
        .map(value -> value.getName().substring("DATA_TYPE_".length()).toLowerCase(Locale.ROOT))
        .toList();

    assertThat(tokens).containsExactlyElementsOf(fieldNames("marketprism.marketdata.v1.MarketEvent"));
  }

  private static String pathOf(HttpRule rule) {
    return switch (rule.getPatternCase()) {
      case GET -> rule.getGet();
      case PUT -> rule.getPut();
      case POST -> rule.getPost();
      case DELETE -> rule.getDelete();
      case PATCH -> rule.getPatch();
      case CUSTOM -> rule.getCustom().getPath();
      case PATTERN_NOT_SET -> "";
    };
  }

  private static Stream<ServiceDescriptor> services() {
    return descriptors.ownFiles().stream().flatMap(file -> file.getServices().stream());
  }

  private static List<MethodDescriptor> methods() {
    return services().flatMap(service -> service.getMethods().stream()).toList();
  }

  private static Stream<Descriptor> messages() {
    return descriptors.ownFiles().stream()
        .flatMap(file -> file.getMessageTypes().stream())
        .flatMap(ContractRulesTest::withNested);
  }

  private static Stream<Descriptor> withNested(Descriptor message) {
    return Stream.concat(Stream.of(message), message.getNestedTypes().stream().flatMap(ContractRulesTest::withNested));
  }

  private static List<EnumDescriptor> enums() {
    Stream<EnumDescriptor> topLevel = descriptors.ownFiles().stream().flatMap(file -> file.getEnumTypes().stream());
    Stream<EnumDescriptor> nested = messages().flatMap(message -> message.getEnumTypes().stream());
    List<EnumDescriptor> all = Stream.concat(topLevel, nested).toList();
    assertThat(all).isNotEmpty();
    return all;
  }

  private static List<String> fieldNames(String message) {
    return messages()
        .filter(type -> type.getFullName().equals(message))
        .findFirst()
        .orElseThrow(() -> new AssertionError(message + " not found"))
        .getFields().stream()
        .map(FieldDescriptor::getName)
        .toList();
  }

  /**
   * Visits every commentable element of a file by its SourceCodeInfo path (field numbers of
   * descriptor.proto) and records those without a leading comment. Map entry messages are generated by
   * protoc and are skipped.
   */
  private record CommentWalker(String file, Map<List<Integer>, String> comments, List<String> uncommented) {

    private static final int FILE_MESSAGE = 4;
    private static final int FILE_ENUM = 5;
    private static final int FILE_SERVICE = 6;
    private static final int MESSAGE_FIELD = 2;
    private static final int MESSAGE_NESTED = 3;
    private static final int MESSAGE_ENUM = 4;
    private static final int MESSAGE_ONEOF = 8;
    private static final int ENUM_VALUE = 2;
    private static final int SERVICE_METHOD = 2;

    void walk(FileDescriptorProto proto) {
      for (int i = 0; i < proto.getMessageTypeCount(); i++) {
        message(List.of(FILE_MESSAGE, i), proto.getMessageType(i));
      }
      for (int i = 0; i < proto.getEnumTypeCount(); i++) {
        enumType(List.of(FILE_ENUM, i), proto.getEnumType(i));
      }
      for (int i = 0; i < proto.getServiceCount(); i++) {
        service(List.of(FILE_SERVICE, i), proto.getService(i));
      }
    }

    private void message(List<Integer> path, DescriptorProto message) {
      if (message.getOptions().getMapEntry()) {
        return;
      }
      require(path, message.getName());
      for (int i = 0; i < message.getFieldCount(); i++) {
        require(append(path, MESSAGE_FIELD, i), message.getName() + "." + message.getField(i).getName());
      }
      for (int i = 0; i < message.getOneofDeclCount(); i++) {
        String oneof = message.getOneofDecl(i).getName();
        // proto3 `optional` creates a synthetic oneof with no source of its own.
        if (!oneof.startsWith("_")) {
          require(append(path, MESSAGE_ONEOF, i), message.getName() + "." + oneof);
        }
      }
      for (int i = 0; i < message.getNestedTypeCount(); i++) {
        message(append(path, MESSAGE_NESTED, i), message.getNestedType(i));
      }
      for (int i = 0; i < message.getEnumTypeCount(); i++) {
        enumType(append(path, MESSAGE_ENUM, i), message.getEnumType(i));
      }
    }

    private void enumType(List<Integer> path, EnumDescriptorProto type) {
      require(path, type.getName());
      for (int i = 0; i < type.getValueCount(); i++) {
        require(append(path, ENUM_VALUE, i), type.getValue(i).getName());
      }
    }

    private void service(List<Integer> path, ServiceDescriptorProto service) {
      require(path, service.getName());
      for (int i = 0; i < service.getMethodCount(); i++) {
        require(append(path, SERVICE_METHOD, i), service.getName() + "." + service.getMethod(i).getName());
      }
    }

    private void require(List<Integer> path, String element) {
      String comment = comments.get(path);
      if (comment == null || comment.isBlank()) {
        uncommented.add(file + ": " + element);
      }
    }

    private static List<Integer> append(List<Integer> path, int kind, int index) {
      List<Integer> longer = new ArrayList<>(path);
      longer.add(kind);
      longer.add(index);
      return List.copyOf(longer);
    }
  }
}
