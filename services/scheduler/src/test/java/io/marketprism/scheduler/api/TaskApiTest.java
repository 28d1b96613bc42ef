package io.marketprism.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.marketprism.scheduler.FakeStorage;
import io.marketprism.scheduler.SchedulerFixture;
import io.marketprism.scheduler.Tasks;
import io.marketprism.scheduler.v1.CreateTaskRequest;
import io.marketprism.scheduler.v1.DeleteTaskRequest;
import io.marketprism.scheduler.v1.GetTaskRequest;
import io.marketprism.scheduler.v1.ListTasksRequest;
import io.marketprism.scheduler.v1.ListTasksResponse;
import io.marketprism.scheduler.v1.NatsPublish;
import io.marketprism.scheduler.v1.PauseTaskRequest;
import io.marketprism.scheduler.v1.ResumeTaskRequest;
import io.marketprism.scheduler.v1.Schedule;
import io.marketprism.scheduler.v1.Target;
import io.marketprism.scheduler.v1.Task;
import io.marketprism.scheduler.v1.TaskState;
import io.marketprism.scheduler.v1.UpdateTaskRequest;
import io.marketprism.storage.v1.ArchiveRequest;
import io.marketprism.storage.v1.GetStatsRequest;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithNats
class TaskApiTest {

  private static final String GATEWAY = "spiffe://marketprism/service/api-gateway";

  static NatsServer natsServer;
  static FakeStorage storage;
  static SchedulerFixture scheduler;

  @BeforeAll
  static void start() throws Exception {
    storage = new FakeStorage();
    scheduler = SchedulerFixture.start(natsServer, SchedulerFixture.uniquePrefix(), storage.address());
  }

  @AfterAll
  static void stop() throws Exception {
    scheduler.close();
    storage.close();
  }

  private static List<String> violatedFields(StatusRuntimeException e) throws InvalidProtocolBufferException {
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    List<String> fields = new ArrayList<>();
    for (Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        detail.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> fields.add(v.getField()));
      }
    }
    return fields;
  }

  private static StatusRuntimeException createFails(Task task) {
    return (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(
        () -> scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(task).build()));
  }

  @Test
  void badPublishTargetIsInvalidArgumentNamingItsFields() throws Exception {
    Task task = Task.newBuilder().setTaskId("bad-publish")
        .setSchedule(Schedule.newBuilder().setInterval(com.google.protobuf.util.Durations.fromSeconds(60)))
        .setTarget(Target.newBuilder().setMethod(Tasks.ARCHIVE)
            .setNatsPublish(NatsPublish.newBuilder().setSubject("ticks.*").putHeaders("Nats-Msg-Id", "mine")))
        .build();
    assertThat(violatedFields(createFails(task))).containsExactlyInAnyOrder("task.target.nats_publish",
        "task.target.nats_publish.subject", "task.target.nats_publish.headers[Nats-Msg-Id]");
  }

  @Test
  void updatedByIsTheCallerOrTheGatewayUserItForwards() throws Exception {
    Map<String, String> env = SchedulerFixture.environment(natsServer.url(), SchedulerFixture.uniquePrefix(),
        storage.address());
    // plaintext callers are taken for the gateway here, as a mesh certificate would name it
    env.put("MARKETPRISM_CALLERS_PLAINTEXT_IDENTITY", GATEWAY);
    try (SchedulerFixture behindGateway = SchedulerFixture.start(env)) {
      Metadata user = new Metadata();
      user.put(Metadata.Key.of("x-marketprism-caller", Metadata.ASCII_STRING_MARSHALLER), "alice;role=operator");
      Task created = behindGateway.api().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(user))
          .createTask(CreateTaskRequest.newBuilder().setTask(Tasks.archiveEvery("audited", 60_000)).build())
          .getTask();
      assertThat(created.getUpdatedBy()).isEqualTo("alice;role=operator");

      Task paused = behindGateway.api().pauseTask(PauseTaskRequest.newBuilder().setTaskId("audited").build())
          .getTask();
      assertThat(paused.getUpdatedBy()).isEqualTo(GATEWAY);
      assertThat(paused.getVersion()).isEqualTo(2);
    }
    // without the gateway, a plaintext caller is anonymous
    Task plain = scheduler.api().createTask(CreateTaskRequest.newBuilder()
        .setTask(Tasks.archiveEvery("anonymous-author", 60_000).setState(TaskState.TASK_STATE_PAUSED)).build())
        .getTask();
    assertThat(plain.getUpdatedBy()).isEqualTo("anonymous");
  }

  @Test
  void badCronUnknownMethodAndBadJsonAreInvalidArgumentsNamingTheirFields() throws Exception {
    assertThat(violatedFields(createFails(Tasks.archiveAt("bad-cron", "61 * * * *").build())))
        .containsExactly("task.schedule.cron");
    assertThat(violatedFields(createFails(Tasks.archiveAt("bad-zone", "0 * * * *")
        .setSchedule(Schedule.newBuilder().setCron("0 * * * *").setTimeZone("Mars/Olympus")).build())))
        .containsExactly("task.schedule.time_zone");
    Task unknownMethod = Tasks.archiveAt("bad-method", "0 * * * *").build();
    unknownMethod = unknownMethod.toBuilder()
        .setTarget(unknownMethod.getTarget().toBuilder().setMethod("marketprism.storage.v1.StorageService/Nuke"))
        .build();
    assertThat(violatedFields(createFails(unknownMethod))).containsExactly("task.target.method");
    Task streaming = unknownMethod.toBuilder().setTarget(unknownMethod.getTarget().toBuilder()
        .setMethod("marketprism.storage.v1.StorageService/ReplayEvents").clearFireTimeFields()).build();
    assertThat(violatedFields(createFails(streaming))).containsExactly("task.target.method");
    Task badJson = Tasks.archiveAt("bad-json", "0 * * * *").build();
    badJson = badJson.toBuilder().setTarget(badJson.getTarget().toBuilder().setRequestJson("{\"dryRun\": ")).build();
    assertThat(violatedFields(createFails(badJson))).containsExactly("task.target.request_json");
    Task unknownField = badJson.toBuilder()
        .setTarget(badJson.getTarget().toBuilder().setRequestJson("{\"noSuchField\": 1}")).build();
    assertThat(violatedFields(createFails(unknownField))).containsExactly("task.target.request_json");
    Task wrongType = badJson.toBuilder().setTarget(badJson.getTarget().toBuilder().clearRequestJson()
        .setRequest(Any.pack(GetStatsRequest.getDefaultInstance()))).build();
    assertThat(violatedFields(createFails(wrongType))).containsExactly("task.target.request");
    Task badField = badJson.toBuilder().setTarget(badJson.getTarget().toBuilder().setRequestJson("{}")
        .putFireTimeFields("dry_run", com.google.protobuf.util.Durations.fromSeconds(1))).build();
    assertThat(violatedFields(createFails(badField))).containsExactly("task.target.fire_time_fields[dry_run]");
    assertThat(violatedFields(createFails(Tasks.archiveAt("Bad_Id", "0 * * * *").build())))
        .containsExactly("task.task_id");
  }

  @Test
  void aPackedRequestOfTheInputTypeIsAccepted() {
    Task task = Tasks.archiveAt("packed", "0 3 * * *").build();
    task = task.toBuilder().setTarget(task.getTarget().toBuilder().clearRequestJson()
        .setRequest(Any.pack(ArchiveRequest.newBuilder().setDryRun(true).build()))).build();
    Task created = scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(task).build()).getTask();
    assertThat(created.getVersion()).isEqualTo(1);
    assertThat(created.getState()).isEqualTo(TaskState.TASK_STATE_ENABLED);
    assertThat(created.hasNextFireTime()).isTrue();
  }

  @Test
  void createGetUpdatePauseResumeDelete() throws Exception {
    Task created = scheduler.api().createTask(CreateTaskRequest.newBuilder()
        .setTask(Tasks.archiveAt("crud", "30 2 * * *").setDescription("nightly")).build()).getTask();
    assertThatThrownBy(() -> scheduler.api().createTask(CreateTaskRequest.newBuilder()
        .setTask(Tasks.archiveAt("crud", "30 2 * * *")).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));

    Task updated = scheduler.api().updateTask(UpdateTaskRequest.newBuilder()
        .setTask(Task.newBuilder().setTaskId("crud").setSchedule(Schedule.newBuilder().setCron("0 4 * * *")))
        .setUpdateMask(FieldMask.newBuilder().addPaths("schedule.cron")).setExpectedVersion(1).build()).getTask();
    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(updated.getSchedule().getCron()).isEqualTo("0 4 * * *");
    assertThat(updated.getDescription()).isEqualTo("nightly");
    assertThat(updated.getCreateTime()).isEqualTo(created.getCreateTime());

    StatusRuntimeException stale = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(
        () -> scheduler.api().updateTask(UpdateTaskRequest.newBuilder()
            .setTask(Task.newBuilder().setTaskId("crud").setDescription("x"))
            .setUpdateMask(FieldMask.newBuilder().addPaths("description")).setExpectedVersion(1).build()));
    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(StatusProto.fromThrowable(stale).getDetails(0).unpack(ErrorInfo.class).getReason())
        .isEqualTo("STALE_VERSION");
    StatusRuntimeException outputOnly = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(
        () -> scheduler.api().updateTask(UpdateTaskRequest.newBuilder()
            .setTask(Task.newBuilder().setTaskId("crud").setVersion(9))
            .setUpdateMask(FieldMask.newBuilder().addPaths("version")).build()));
    assertThat(violatedFields(outputOnly)).containsExactly("update_mask.paths[0]");

    Task paused = scheduler.api().pauseTask(PauseTaskRequest.newBuilder().setTaskId("crud").build()).getTask();
    assertThat(paused.getState()).isEqualTo(TaskState.TASK_STATE_PAUSED);
    assertThat(paused.hasNextFireTime()).isFalse();
    assertThat(scheduler.api().pauseTask(PauseTaskRequest.newBuilder().setTaskId("crud").build()).getTask()
        .getVersion()).isEqualTo(paused.getVersion());
    Task resumed = scheduler.api().resumeTask(ResumeTaskRequest.newBuilder().setTaskId("crud").build()).getTask();
    assertThat(resumed.getState()).isEqualTo(TaskState.TASK_STATE_ENABLED);
    assertThat(resumed.hasNextFireTime()).isTrue();

    scheduler.api().deleteTask(DeleteTaskRequest.newBuilder().setTaskId("crud").build());
    assertThatThrownBy(() -> scheduler.api().getTask(GetTaskRequest.newBuilder().setTaskId("crud").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void listPagesInTaskIdOrderWithFilters() {
    for (String id : List.of("page-c", "page-a", "page-e", "page-b", "page-d")) {
      scheduler.api().createTask(CreateTaskRequest.newBuilder().setTask(Tasks.archiveAt(id, "0 5 * * *")).build());
    }
    scheduler.api().pauseTask(PauseTaskRequest.newBuilder().setTaskId("page-d").build());
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListTasksResponse page = scheduler.api().listTasks(ListTasksRequest.newBuilder()
          .setTargetService("data-storage").setPageSize(2).setPageToken(token).build());
      page.getTasksList().stream().map(Task::getTaskId).filter(id -> id.startsWith("page-")).forEach(seen::add);
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 20);
    assertThat(seen).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e");
    ListTasksResponse paused = scheduler.api().listTasks(ListTasksRequest.newBuilder()
        .setState(TaskState.TASK_STATE_PAUSED).build());
    assertThat(paused.getTasksList()).extracting(Task::getTaskId).containsExactly("page-d");
    assertThat(scheduler.api().listTasks(ListTasksRequest.newBuilder().setTargetService("monitoring").build())
        .getTasksList()).isEmpty();
  }

  @Test
  void builtInTasksAreInstalledAtFirstStartOnly() throws Exception {
    String prefix = SchedulerFixture.uniquePrefix();
    Map<String, String> env = new java.util.HashMap<>(
        SchedulerFixture.environment(natsServer.url(), prefix, storage.address()));
    env.put("MARKETPRISM_BUILT_INS_ENABLED", "true");
    try (SchedulerFixture first = SchedulerFixture.start(env)) {
      List<Task> tasks = first.api().listTasks(ListTasksRequest.getDefaultInstance()).getTasksList();
      assertThat(tasks).extracting(Task::getTaskId)
          .containsExactly("storage-archive-daily", "storage-retention-cleanup");
      assertThat(tasks.get(0).getTarget().getMethod()).isEqualTo(Tasks.ARCHIVE);
      assertThat(tasks.get(1).getTarget().getMethod()).isEqualTo("marketprism.storage.v1.StorageService/PurgeArchive");
      first.api().deleteTask(DeleteTaskRequest.newBuilder().setTaskId("storage-retention-cleanup").build());
    }
    try (SchedulerFixture second = SchedulerFixture.start(env)) {
      assertThat(second.api().listTasks(ListTasksRequest.getDefaultInstance()).getTasksList())
          .extracting(Task::getTaskId).containsExactly("storage-archive-daily");
    }
  }
}
