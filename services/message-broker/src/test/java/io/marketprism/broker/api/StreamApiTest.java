package io.marketprism.broker.api;

import static io.marketprism.broker.BrokerFixture.streamConfig;
import static io.marketprism.broker.BrokerFixture.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.marketprism.broker.BrokerFixture;
import io.marketprism.broker.v1.CreateStreamRequest;
import io.marketprism.broker.v1.DeleteStreamRequest;
import io.marketprism.broker.v1.GetStreamRequest;
import io.marketprism.broker.v1.ListStreamsRequest;
import io.marketprism.broker.v1.ListStreamsResponse;
import io.marketprism.broker.v1.PublishRequest;
import io.marketprism.broker.v1.Stream;
import io.marketprism.broker.v1.StreamConfig;
import io.marketprism.broker.v1.UpdateStreamRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class StreamApiTest {

  /** Default-stream limits this class's broker is configured with (a second broker must agree on them). */
  private static final Map<String, String> LIMITS =
      Map.of(
          "MARKETPRISM_NATS_STREAMS_SYSTEM_EVENTS_MAX_AGE", "12h",
          "MARKETPRISM_NATS_STREAMS_SYSTEM_EVENTS_MAX_MSGS", "5000");

  static NatsServer nats;
  static BrokerFixture broker;

  @BeforeAll
  static void startBroker() {
    broker = BrokerFixture.start(nats, LIMITS);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @Test
  void defaultStreamsAreEnsuredWithTheConfiguredLimits() {
    Stream events = broker.blocking().getStream(GetStreamRequest.newBuilder().setName("SYSTEM_EVENTS").build()).getStream();
    Stream marketData = broker.blocking().getStream(GetStreamRequest.newBuilder().setName("MARKET_DATA").build()).getStream();

    assertThat(events.getConfig().getSubjectsList()).containsExactly("sys.>");
    assertThat(events.getConfig().getMaxAge()).isEqualTo(Duration.newBuilder().setSeconds(12 * 3600).build());
    assertThat(events.getConfig().getMaxMsgs()).isEqualTo(5000);
    assertThat(marketData.getConfig().getSubjectsList()).containsExactly("md.>");
    assertThat(marketData.getConfig().getMaxAge()).isEqualTo(Duration.newBuilder().setSeconds(7 * 86400).build());
  }

  @Test
  void restartUpdatesDefaultStreamLimitsInPlaceKeepingMessages() throws Exception {
    broker.blocking().publish(PublishRequest.newBuilder().setSubject("log.test.restart").build());
    Stream before =
        broker.blocking().getStream(GetStreamRequest.newBuilder().setName("SERVICE_LOGS").build()).getStream();

    Map<String, String> shorterLogs = new java.util.HashMap<>(LIMITS);
    shorterLogs.put("MARKETPRISM_NATS_STREAMS_SERVICE_LOGS_MAX_AGE", "2h");
    try (BrokerFixture second = BrokerFixture.start(nats, shorterLogs)) {
      Stream logs =
          second.blocking().getStream(GetStreamRequest.newBuilder().setName("SERVICE_LOGS").build()).getStream();
      assertThat(logs.getConfig().getMaxAge().getSeconds()).isEqualTo(7200);
      assertThat(logs.getState().getMessages()).isEqualTo(before.getState().getMessages()).isPositive();
      assertThat(logs.getCreateTime()).as("updated, not recreated").isEqualTo(before.getCreateTime());
    }
  }

  @Test
  void streamCrudRoundTrip() {
    String name = uniqueName("CRUD");
    String root = name.toLowerCase();
    StreamConfig config = streamConfig(name, root).toBuilder().setDescription("round trip").setMaxMsgs(100).build();

    Stream created = broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(config).build()).getStream();
    Stream fetched = broker.blocking().getStream(GetStreamRequest.newBuilder().setName(name).build()).getStream();
    List<String> listed =
        broker.blocking().listStreams(ListStreamsRequest.newBuilder().setSubjectFilter(root + ".a").build())
            .getStreamsList().stream().map(s -> s.getConfig().getName()).toList();
    Stream updated =
        broker.blocking()
            .updateStream(
                UpdateStreamRequest.newBuilder()
                    .setConfig(StreamConfig.newBuilder().setName(name).setMaxAge(Duration.newBuilder().setSeconds(3600)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("max_age"))
                    .build())
            .getStream();
    broker.blocking().deleteStream(DeleteStreamRequest.newBuilder().setName(name).build());
    StatusRuntimeException gone =
        catchThrowableOfType(
            () -> broker.blocking().getStream(GetStreamRequest.newBuilder().setName(name).build()),
            StatusRuntimeException.class);

    assertThat(created.getConfig().getMaxMsgs()).isEqualTo(100);
    assertThat(created.getConfig().getDuplicateWindow().getSeconds()).isEqualTo(120);
    assertThat(created.getConfig().getReplicas()).isEqualTo(1);
    assertThat(created.hasCreateTime()).isTrue();
    assertThat(fetched.getConfig()).isEqualTo(created.getConfig());
    assertThat(listed).containsExactly(name);
    assertThat(updated.getConfig().getMaxAge().getSeconds()).isEqualTo(3600);
    assertThat(updated.getConfig().getMaxMsgs()).isEqualTo(100);
    assertThat(updated.getConfig().getDescription()).isEqualTo("round trip");
    assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void createWithIdenticalConfigReturnsTheExistingStreamAndWithAnotherIsAlreadyExists() {
    String name = uniqueName("IDEMPOTENT");
    StreamConfig config = streamConfig(name, name.toLowerCase());
    broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(config).build());

    Stream again = broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(config).build()).getStream();
    StatusRuntimeException different =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .createStream(
                        CreateStreamRequest.newBuilder().setConfig(config.toBuilder().setMaxMsgs(7)).build()),
            StatusRuntimeException.class);

    assertThat(again.getConfig().getName()).isEqualTo(name);
    assertThat(different.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(different.getStatus().getDescription()).contains("already in use with a different configuration");
  }

  @Test
  void invalidStreamConfigNamesEveryFieldAtFault() {
    StreamConfig bad =
        StreamConfig.newBuilder()
            .setName("bad name!")
            .addSubjects("ok.subject")
            .addSubjects("bad..token")
            .addSubjects("has space")
            .addSubjects("a.>.b")
            .setRetentionValue(42)
            .setMaxBytes(-5)
            .setMaxMsgs(-1)
            .setMaxAge(Duration.newBuilder().setSeconds(-10))
            .setReplicas(6)
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(
            () -> broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(bad).build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.violatedFields(e))
        .containsExactlyInAnyOrder(
            "config.name",
            "config.subjects[1]",
            "config.subjects[2]",
            "config.subjects[3]",
            "config.retention",
            "config.storage",
            "config.max_age",
            "config.max_bytes",
            "config.max_msgs",
            "config.replicas");
  }

  @Test
  void streamWithoutSubjectsIsInvalid() {
    StreamConfig config = streamConfig(uniqueName("NOSUBJ"), "x").toBuilder().clearSubjects().build();

    StatusRuntimeException e =
        catchThrowableOfType(
            () -> broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(config).build()),
            StatusRuntimeException.class);

    assertThat(Errors.violatedFields(e)).containsExactly("config.subjects");
  }

  @Test
  void subjectsOverlappingAnotherStreamAreInvalid() {
    StreamConfig config = streamConfig(uniqueName("OVERLAP"), "md.trade").toBuilder().addSubjects("own.subject").build();

    StatusRuntimeException e =
        catchThrowableOfType(
            () -> broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(config).build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.violations(e)).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("config.subjects[0]");
      assertThat(v.getDescription()).contains("MARKET_DATA");
    });
  }

  @Test
  void updateRejectsImmutableUnknownAndMissingMaskPaths() {
    String name = uniqueName("IMMUTABLE");
    broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(streamConfig(name, name.toLowerCase())).build());

    StatusRuntimeException immutable =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .updateStream(
                        UpdateStreamRequest.newBuilder()
                            .setConfig(StreamConfig.newBuilder().setName(name))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("storage").addPaths("colour"))
                            .build()),
            StatusRuntimeException.class);
    StatusRuntimeException empty =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .updateStream(UpdateStreamRequest.newBuilder().setConfig(StreamConfig.newBuilder().setName(name)).build()),
            StatusRuntimeException.class);
    StatusRuntimeException unknownStream =
        catchThrowableOfType(
            () ->
                broker.blocking()
                    .updateStream(
                        UpdateStreamRequest.newBuilder()
                            .setConfig(StreamConfig.newBuilder().setName(uniqueName("MISSING")))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("max_msgs"))
                            .build()),
            StatusRuntimeException.class);

    assertThat(Errors.violatedFields(immutable)).containsExactly("update_mask.paths[0]", "update_mask.paths[1]");
    assertThat(Errors.violatedFields(empty)).containsExactly("update_mask");
    assertThat(unknownStream.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void natsErrorsKeepTheServerTextUnderAFittingCode() {
    StreamConfig replicated = streamConfig(uniqueName("REPLICAS"), "replicated").toBuilder().setReplicas(3).build();

    StatusRuntimeException e =
        catchThrowableOfType(
            () -> broker.blocking().createStream(CreateStreamRequest.newBuilder().setConfig(replicated).build()),
            StatusRuntimeException.class);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.violations(e)).singleElement().satisfies(v -> {
      assertThat(v.getField()).isEqualTo("config.replicas");
      assertThat(v.getDescription()).contains("replicas > 1 not supported");
    });
  }

  @Test
  void listStreamsPagesInNameOrder() throws Exception {
    String prefix = uniqueName("PAGE");
    List<String> names = List.of(prefix + "_C", prefix + "_A", prefix + "_B");
    for (String name : names) {
      broker.blocking()
          .createStream(CreateStreamRequest.newBuilder().setConfig(streamConfig(name, "paged." + name.toLowerCase())).build());
    }

    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListStreamsResponse page =
          broker.blocking()
              .listStreams(ListStreamsRequest.newBuilder().setSubjectFilter("paged.>").setPageSize(2).setPageToken(token).build());
      page.getStreamsList().forEach(s -> seen.add(s.getConfig().getName()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(seen).containsExactly(prefix + "_A", prefix + "_B", prefix + "_C");
    assertThat(pages).isEqualTo(2);
  }

  @Test
  void streamCreatedOutsideTheBrokerIsVisibleThroughIt() throws Exception {
    String name = uniqueName("EXTERNAL");
    try (Connection connection = Nats.connect(nats.url())) {
      connection.jetStreamManagement()
          .addStream(StreamConfiguration.builder().name(name).subjects("external." + name.toLowerCase() + ".>").build());
    }

    Stream stream = broker.blocking().getStream(GetStreamRequest.newBuilder().setName(name).build()).getStream();

    assertThat(stream.getConfig().getMaxMsgs()).isZero();
    assertThat(stream.getConfig().hasMaxAge()).isFalse();
  }
}
