package io.marketprism.config.api;

import static io.marketprism.config.ConfigCenterFixture.uniqueEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.config.ConfigCenterFixture;
import io.marketprism.config.v1.BatchGetRequest;
import io.marketprism.config.v1.BatchGetResponse;
import io.marketprism.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.HistoryRequest;
import io.marketprism.config.v1.HistoryResponse;
import io.marketprism.config.v1.ListRequest;
import io.marketprism.config.v1.ListResponse;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.RollbackRequest;
import io.marketprism.config.v1.ValueType;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class EntriesApiTest {

  static NatsServer nats;
  static ConfigCenterFixture center;

  @BeforeAll
  static void start() {
    center = ConfigCenterFixture.start(nats);
  }

  @AfterAll
  static void stop() throws Exception {
    center.close();
  }

  private static ConfigServiceBlockingStub stub() {
    return center.blocking();
  }

  private static PutRequest.Builder put(String env, String key, String value) {
    return PutRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey(key).setValue(value);
  }

  private static Entry get(String env, String key) {
    return stub()
        .get(GetRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey(key).build())
        .getEntry();
  }

  private static StatusRuntimeException failure(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run);
  }

  @Test
  void putThenGetReturnsTheValueItsVersionAndWhoWroteIt() {
    String env = uniqueEnvironment();
    long version = stub().put(put(env, "clickhouse.url", "jdbc:clickhouse://db:8123").build()).getVersion();

    Entry entry = get(env, "clickhouse.url");
    assertThat(entry.getValue()).isEqualTo("jdbc:clickhouse://db:8123");
    assertThat(entry.getVersion()).isEqualTo(version).isPositive();
    assertThat(entry.getUpdatedBy()).isEqualTo("anonymous");
    assertThat(entry.getValueType()).isEqualTo(ValueType.VALUE_TYPE_STRING);
    assertThat(entry.hasUpdateTime()).isTrue();
  }

  @Test
  void aStaleExpectedVersionIsAbortedWithTheCurrentVersionInErrorInfo() throws Exception {
    String env = uniqueEnvironment();
    long first = stub().put(put(env, "batch-size", "1000").setExpectedVersion(0).build()).getVersion();
    long second = stub().put(put(env, "batch-size", "2000").setExpectedVersion(first).build()).getVersion();
    assertThat(second).isGreaterThan(first);

    StatusRuntimeException stale = failure(() -> stub().put(put(env, "batch-size", "3000").setExpectedVersion(first).build()));
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    ErrorInfo info = StatusProto.fromThrowable(stale).getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("STALE_VERSION");
    assertThat(info.getMetadataMap()).containsEntry("current_version", Long.toString(second));

    StatusRuntimeException exists = failure(() -> stub().put(put(env, "batch-size", "4000").setExpectedVersion(0).build()));
    assertThat(exists.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(get(env, "batch-size").getValue()).isEqualTo("2000");
  }

  @Test
  void aDeletedKeyIsNotFoundAndMayBeCreatedAgainWithExpectedVersionZero() {
    String env = uniqueEnvironment();
    long put = stub().put(put(env, "a", "1").build()).getVersion();
    long deleted =
        stub().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("a").build())
            .getVersion();
    assertThat(deleted).isGreaterThan(put);

    assertThat(failure(() -> get(env, "a")).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            failure(() -> stub().delete(
                    DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("a").build()))
                .getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);

    long again = stub().put(put(env, "a", "2").setExpectedVersion(0).build()).getVersion();
    assertThat(get(env, "a").getVersion()).isEqualTo(again);
  }

  @Test
  void rollbackWritesTheEarlierValueAsANewVersionAndHistoryShowsEveryVersionNewestFirst() {
    String env = uniqueEnvironment();
    long v1 = stub().put(put(env, "flush", "1s").build()).getVersion();
    long v2 = stub().put(put(env, "flush", "5s").build()).getVersion();
    long v3 =
        stub().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("flush").build())
            .getVersion();

    Entry restored =
        stub().rollback(
                RollbackRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("flush")
                    .setVersion(v1).setExpectedVersion(0).build())
            .getEntry();
    assertThat(restored.getValue()).isEqualTo("1s");
    assertThat(restored.getVersion()).isGreaterThan(v3);
    assertThat(get(env, "flush").getValue()).isEqualTo("1s");

    HistoryResponse history =
        stub().history(HistoryRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("flush").build());
    assertThat(history.getEntriesList()).extracting(Entry::getVersion).containsExactly(restored.getVersion(), v3, v2, v1);
    assertThat(history.getEntriesList()).extracting(Entry::getDeleted).containsExactly(false, true, false, false);

    StatusRuntimeException toDeletion =
        failure(() -> stub().rollback(
            RollbackRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("flush").setVersion(v3).build()));
    assertThat(toDeletion.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    StatusRuntimeException unknown =
        failure(() -> stub().rollback(
            RollbackRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("flush").setVersion(v3 + 100).build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void historyPagesResumeBelowTheLastVersionShown() {
    String env = uniqueEnvironment();
    List<Long> versions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      versions.add(0, stub().put(put(env, "k", "v" + i).build()).getVersion());
    }
    HistoryRequest first = HistoryRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("k").setPageSize(3).build();
    HistoryResponse page1 = stub().history(first);
    HistoryResponse page2 = stub().history(first.toBuilder().setPageToken(page1.getNextPageToken()).build());
    assertThat(page1.getEntriesList()).extracting(Entry::getVersion).containsExactlyElementsOf(versions.subList(0, 3));
    assertThat(page2.getEntriesList()).extracting(Entry::getVersion).containsExactlyElementsOf(versions.subList(3, 5));
    assertThat(page2.getNextPageToken()).isEmpty();
  }

  @Test
  void listPagesThroughCurrentEntriesByKeyWithWholeSegmentPrefixes() {
    String env = uniqueEnvironment();
    for (String key : List.of("clickhouse.url", "clickhouse.batch", "clickhouse", "clickhouse2", "flush", "gone")) {
      stub().put(put(env, key, key).build());
    }
    stub().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("gone").build());

    ListRequest all = ListRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setPageSize(2).build();
    List<String> keys = new ArrayList<>();
    ListResponse page = stub().list(all);
    keys.addAll(page.getEntriesList().stream().map(Entry::getKey).toList());
    while (!page.getNextPageToken().isEmpty()) {
      page = stub().list(all.toBuilder().setPageToken(page.getNextPageToken()).build());
      keys.addAll(page.getEntriesList().stream().map(Entry::getKey).toList());
    }
    assertThat(keys).containsExactly("clickhouse", "clickhouse.batch", "clickhouse.url", "clickhouse2", "flush");
    assertThat(page.getRevision()).isPositive();

    ListResponse prefixed = stub().list(all.toBuilder().setPageSize(0).setKeyPrefix("clickhouse").build());
    assertThat(prefixed.getEntriesList()).extracting(Entry::getKey)
        .containsExactly("clickhouse", "clickhouse.batch", "clickhouse.url");

    StatusRuntimeException otherToken =
        failure(() -> stub().list(all.toBuilder().setKeyPrefix("flush").setPageToken(stub().list(all).getNextPageToken()).build()));
    assertThat(otherToken.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void environmentsAreIsolated() {
    String dev = uniqueEnvironment();
    String prod = uniqueEnvironment();
    stub().put(put(dev, "url", "dev-db").build());
    stub().put(put(prod, "url", "prod-db").build());
    assertThat(get(dev, "url").getValue()).isEqualTo("dev-db");
    assertThat(get(prod, "url").getValue()).isEqualTo("prod-db");
    assertThat(failure(() -> get(uniqueEnvironment(), "url")).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aJsonValueThatDoesNotParseIsInvalidArgumentNamingTheValueField() throws Exception {
    String env = uniqueEnvironment();
    StatusRuntimeException invalid =
        failure(() -> stub().put(put(env, "limits", "{\"rate\": 10,").setValueType(ValueType.VALUE_TYPE_JSON).build()));
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest bad = StatusProto.fromThrowable(invalid).getDetails(0).unpack(BadRequest.class);
    assertThat(bad.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField).containsExactly("value");
    assertThat(failure(() -> get(env, "limits")).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    stub().put(put(env, "limits", "{\"rate\": 10}").setValueType(ValueType.VALUE_TYPE_JSON).build());
    assertThat(get(env, "limits").getValueType()).isEqualTo(ValueType.VALUE_TYPE_JSON);
    StatusRuntimeException badYaml =
        failure(() -> stub().put(put(env, "feeds", "a: [1, 2").setValueType(ValueType.VALUE_TYPE_YAML).build()));
    assertThat(badYaml.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    stub().put(put(env, "feeds", "binance:\n  - BTC-USDT\n").setValueType(ValueType.VALUE_TYPE_YAML).build());
  }

  @Test
  void malformedNamesAndOversizedValuesAreInvalidArgumentWithEveryViolation() throws Exception {
    StatusRuntimeException names =
        failure(() -> stub().put(PutRequest.newBuilder().setEnvironment("Prod").setNamespace("data.storage")
            .setKey("a..b").setValue("x").build()));
    BadRequest bad = StatusProto.fromThrowable(names).getDetails(0).unpack(BadRequest.class);
    assertThat(bad.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
        .containsExactly("environment", "namespace", "key");

    StatusRuntimeException tooLarge =
        failure(() -> stub().put(put(uniqueEnvironment(), "big", "x".repeat(256 * 1024 + 1)).build()));
    assertThat(tooLarge.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(tooLarge.getStatus().getDescription()).contains("value", "262144");
  }

  @Test
  void batchGetReturnsTheExistingEntriesInOrderAndNamesTheMissingOnes() {
    String env = uniqueEnvironment();
    long url = stub().put(put(env, "clickhouse.url", "jdbc:clickhouse://db:8123").build()).getVersion();
    long size = stub().put(put(env, "batch-size", "500").build()).getVersion();
    stub().put(put(env, "gone", "x").build());
    stub().delete(DeleteRequest.newBuilder().setEnvironment(env).setNamespace("data-storage").setKey("gone").build());

    BatchGetResponse batch =
        stub()
            .batchGet(
                BatchGetRequest.newBuilder()
                    .setEnvironment(env)
                    .setNamespace("data-storage")
                    .addAllKeys(List.of("batch-size", "gone", "clickhouse.url", "never"))
                    .build());

    assertThat(batch.getEntriesList()).extracting(Entry::getKey, Entry::getValue, Entry::getVersion)
        .containsExactly(tuple("batch-size", "500", size), tuple("clickhouse.url", "jdbc:clickhouse://db:8123", url));
    assertThat(batch.getMissingKeysList()).containsExactly("gone", "never");
  }

  @Test
  void batchGetRefusesNoKeysTooManyRepeatedAndMalformedOnesNamingEach() throws Exception {
    String env = uniqueEnvironment();
    BatchGetRequest.Builder request = BatchGetRequest.newBuilder().setEnvironment(env).setNamespace("data-storage");

    StatusRuntimeException none = failure(() -> stub().batchGet(request.build()));
    assertThat(fields(none)).containsExactly("keys");

    List<String> many = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      many.add("k" + i);
    }
    StatusRuntimeException tooMany = failure(() -> stub().batchGet(request.clone().addAllKeys(many).build()));
    assertThat(tooMany.getStatus().getDescription()).contains("at most 100 keys (was 101)");

    StatusRuntimeException bad =
        failure(() -> stub().batchGet(request.clone().addAllKeys(List.of("ok", "a..b", "ok")).build()));
    assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fields(bad)).containsExactly("keys[1]", "keys[2]");
  }

  private static List<String> fields(StatusRuntimeException failure) throws Exception {
    return StatusProto.fromThrowable(failure).getDetails(0).unpack(BadRequest.class).getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField)
        .toList();
  }
}
