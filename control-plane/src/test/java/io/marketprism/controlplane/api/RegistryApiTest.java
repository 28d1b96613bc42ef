package io.marketprism.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.marketprism.common.v1.Endpoint;
import io.marketprism.controlplane.health.HealthCheckSettings;
import io.marketprism.controlplane.health.HealthChecker;
import io.marketprism.controlplane.registry.NatsRegistryStore;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.registry.RegistryView;
import io.marketprism.controlplane.support.HealthServer;
import io.marketprism.controlplane.support.MutableClock;
import io.marketprism.registry.v1.DeregisterRequest;
import io.marketprism.registry.v1.GetInstanceRequest;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceEventType;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.registry.v1.KeepAliveRequest;
import io.marketprism.registry.v1.KeepAliveResponse;
import io.marketprism.registry.v1.ListInstancesRequest;
import io.marketprism.registry.v1.ListInstancesResponse;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegisterResponse;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.registry.v1.WatchInstancesRequest;
import io.marketprism.registry.v1.WatchInstancesResponse;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithNats
class RegistryApiTest {

  private final MutableClock clock = new MutableClock();
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
  private Connection nats;
  private String bucket;

  @BeforeEach
  void connect(NatsServer server) throws Exception {
    nats = Nats.connect(server.url());
    bucket = "registry-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    nats.keyValueManagement().delete(bucket);
    nats.close();
  }

  /** One control-plane replica: its own view and registry on the shared bucket, served in-process. */
  private Replica replica() throws Exception {
    NatsRegistryStore store = NatsRegistryStore.open(nats, bucket);
    RegistryView view = RegistryView.watching(store);
    assertThat(view.awaitSynced(Duration.ofSeconds(5))).isTrue();
    Registry registry = new Registry(store, view, clock);
    String name = "registry-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name).directExecutor().addService(new RegistryApi(registry)).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    closing.add(view);
    closing.add(server::shutdownNow);
    closing.add(channel::shutdownNow);
    return new Replica(registry, RegistryServiceGrpc.newBlockingStub(channel), RegistryServiceGrpc.newStub(channel));
  }

  private record Replica(Registry registry, RegistryServiceGrpc.RegistryServiceBlockingStub blocking,
      RegistryServiceGrpc.RegistryServiceStub async) {}

  private static Instance instance(String service, String id, int port) {
    return Instance.newBuilder()
        .setService(service)
        .setInstanceId(id)
        .setAddress(Endpoint.newBuilder().setHost("127.0.0.1").setPort(port))
        .setVersion("1.0")
        .build();
  }

  private static RegisterResponse register(Replica r, Instance instance) {
    return r.blocking().register(RegisterRequest.newBuilder().setInstance(instance).build());
  }

  private static Instance get(Replica r, String service, String id) {
    return r.blocking().getInstance(GetInstanceRequest.newBuilder().setService(service).setInstanceId(id).build()).getInstance();
  }

  @Test
  void registeredInstanceStartsAsStartingWithDefaultWeightAndLease() throws Exception {
    Replica r = replica();
    RegisterResponse response = register(r, instance("data-storage", "a", 7102));

    assertThat(response.getInstance().getState()).isEqualTo(InstanceState.INSTANCE_STATE_STARTING);
    assertThat(response.getInstance().getWeight()).isEqualTo(100);
    assertThat(Durations.toSeconds(response.getLeaseTtl())).isEqualTo(30);
    assertThat(response.getLeaseId()).isNotBlank();
    assertThat(get(r, "data-storage", "a").getAddress().getPort()).isEqualTo(7102);
  }

  @Test
  void invalidInstanceIsRejectedWithAViolationPerField() throws Exception {
    Replica r = replica();
    Instance bad = instance("Data_Storage", "", 0).toBuilder().setWeight(5000).build();

    assertThatThrownBy(() -> register(r, bad))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          BadRequest details = badRequest(e);
          assertThat(details.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
              .containsExactly("instance.service", "instance.instance_id", "instance.address.port", "instance.weight");
        });
    assertThatThrownBy(() -> r.blocking().register(RegisterRequest.newBuilder()
            .setInstance(instance("svc", "a", 1)).setLeaseTtl(Durations.fromSeconds(1)).build()))
        .hasMessageContaining("lease_ttl: must be 5s to 300s");
  }

  @Test
  void keepAliveRenewsTheLeaseAndAnUnknownLeaseEndsTheCallWithNotFound() throws Exception {
    Replica r = replica();
    RegisterResponse registered = register(r, instance("svc", "a", 1000));
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    StreamObserver<KeepAliveRequest> requests = r.async().keepAlive(collector(received));

    clock.advance(Duration.ofSeconds(20));
    requests.onNext(KeepAliveRequest.newBuilder().setLeaseId(registered.getLeaseId()).build());
    KeepAliveResponse renewed = (KeepAliveResponse) received.poll(5, TimeUnit.SECONDS);
    assertThat(renewed.getExpireTime().getSeconds()).isEqualTo(registered.getExpireTime().getSeconds() + 20);
    assertThat(renewed.getState()).isEqualTo(InstanceState.INSTANCE_STATE_STARTING);

    requests.onNext(KeepAliveRequest.newBuilder().setLeaseId("svc.a.0000").build());
    Object error = received.poll(5, TimeUnit.SECONDS);
    assertThat(error).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void leaseNotRenewedExpiresAndTheInstanceIsRemoved() throws Exception {
    Replica r = replica();
    RegisterResponse registered = register(r, instance("svc", "a", 1000));

    clock.advance(Duration.ofSeconds(31));
    assertThat(r.registry().removeExpired()).isEqualTo(1);

    await().untilAsserted(() -> assertThatThrownBy(() -> get(r, "svc", "a"))
        .hasMessageContaining("NOT_FOUND"));
    assertThatThrownBy(() -> r.registry().renew(registered.getLeaseId()))
        .isInstanceOf(Registry.LeaseNotFoundException.class);
  }

  @Test
  void reRegisteringRevokesTheOldLease() throws Exception {
    Replica r = replica();
    RegisterResponse first = register(r, instance("svc", "a", 1000));
    register(r, instance("svc", "a", 1001));

    assertThatThrownBy(() -> r.registry().renew(first.getLeaseId())).isInstanceOf(Registry.LeaseNotFoundException.class);
    assertThat(get(r, "svc", "a").getAddress().getPort()).isEqualTo(1001);
  }

  @Test
  void deregisterDrainsThenRemovesAtTheDeadlineKeepingTheEarlierOne() throws Exception {
    Replica r = replica();
    register(r, instance("svc", "a", 1000));

    Instance draining = r.blocking().deregister(DeregisterRequest.newBuilder().setService("svc").setInstanceId("a")
        .setDrainPeriod(Durations.fromSeconds(10)).build()).getInstance();
    assertThat(draining.getState()).isEqualTo(InstanceState.INSTANCE_STATE_DRAINING);
    Instance again = r.blocking().deregister(DeregisterRequest.newBuilder().setService("svc").setInstanceId("a")
        .setDrainPeriod(Durations.fromSeconds(60)).build()).getInstance();
    assertThat(again.getDrainDeadline()).isEqualTo(draining.getDrainDeadline());

    clock.advance(Duration.ofSeconds(5));
    assertThat(r.registry().removeExpired()).isZero();
    clock.advance(Duration.ofSeconds(5));
    assertThat(r.registry().removeExpired()).isEqualTo(1);
    assertThatThrownBy(() -> r.blocking().deregister(DeregisterRequest.newBuilder().setService("svc").setInstanceId("zzz").build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void listPagesInServiceThenInstanceOrder() throws Exception {
    Replica r = replica();
    register(r, instance("data-storage", "b", 1));
    register(r, instance("data", "z", 2));
    register(r, instance("data-storage", "a", 3));

    ListInstancesResponse first = r.blocking().listInstances(ListInstancesRequest.newBuilder().setPageSize(2).build());
    ListInstancesResponse second = r.blocking().listInstances(
        ListInstancesRequest.newBuilder().setPageSize(2).setPageToken(first.getNextPageToken()).build());

    assertThat(first.getInstancesList()).extracting(i -> i.getService() + "/" + i.getInstanceId())
        .containsExactly("data/z", "data-storage/a");
    assertThat(second.getInstancesList()).extracting(Instance::getInstanceId).containsExactly("b");
    assertThat(second.getNextPageToken()).isEmpty();
    assertThatThrownBy(() -> r.blocking().listInstances(ListInstancesRequest.newBuilder().setService("data")
        .setPageToken(first.getNextPageToken()).build())).hasMessageContaining("page_token");
  }

  @Test
  void watchSendsTheSnapshotThenEachChange() throws Exception {
    Replica r = replica();
    register(r, instance("svc", "a", 1));
    register(r, instance("other", "x", 2));
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    r.async().watchInstances(WatchInstancesRequest.newBuilder().addServices("svc").build(), collector(received));

    WatchInstancesResponse snapshot = (WatchInstancesResponse) received.poll(5, TimeUnit.SECONDS);
    assertThat(snapshot.getSnapshotComplete()).isTrue();
    assertThat(snapshot.getEventsList()).extracting(e -> e.getInstance().getInstanceId()).containsExactly("a");

    register(r, instance("other", "y", 3));
    register(r, instance("svc", "b", 4));
    WatchInstancesResponse change = (WatchInstancesResponse) received.poll(5, TimeUnit.SECONDS);
    assertThat(change.getSnapshotComplete()).isFalse();
    assertThat(change.getEvents(0).getType()).isEqualTo(InstanceEventType.INSTANCE_EVENT_TYPE_UPSERTED);
    assertThat(change.getEvents(0).getInstance().getInstanceId()).isEqualTo("b");
  }

  @Test
  void twoReplicasServeTheSameRegistry() throws Exception {
    Replica one = replica();
    Replica two = replica();
    RegisterResponse registered = register(one, instance("svc", "a", 1));

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(two, "svc", "a").getAddress().getPort()).isEqualTo(1));
    clock.advance(Duration.ofSeconds(10));
    assertThat(two.registry().renew(registered.getLeaseId()).state()).isEqualTo(InstanceState.INSTANCE_STATE_STARTING);
    two.blocking().deregister(DeregisterRequest.newBuilder().setService("svc").setInstanceId("a").build());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(
        () -> assertThat(get(one, "svc", "a").getState()).isEqualTo(InstanceState.INSTANCE_STATE_DRAINING));
  }

  @Test
  void healthChecksMoveAnInstanceBetweenServingAndUnhealthyByThresholds() throws Exception {
    Replica r = replica();
    try (HealthServer server = new HealthServer();
        HealthChecker checker = new HealthChecker(r.registry(),
            new HealthCheckSettings(Duration.ofMillis(50), Duration.ofSeconds(1), 2, 3), clock)) {
      register(r, instance("svc", "a", 1).toBuilder().setHealthPort(server.port()).build());
      checker.start();

      await().atMost(Duration.ofSeconds(10)).until(() -> get(r, "svc", "a").getState() == InstanceState.INSTANCE_STATE_SERVING);
      server.serving(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(r, "svc", "a").getState() == InstanceState.INSTANCE_STATE_UNHEALTHY);
      server.serving(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(r, "svc", "a").getState() == InstanceState.INSTANCE_STATE_SERVING);
      assertThat(get(r, "svc", "a").hasLastHealthCheckTime()).isTrue();
    }
  }

  private static BadRequest badRequest(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(BadRequest.class))
        .map(a -> {
          try {
            return a.unpack(BadRequest.class);
          } catch (Exception ex) {
            throw new IllegalStateException(ex);
          }
        })
        .findFirst().orElseThrow();
  }

  private static <T> StreamObserver<T> collector(LinkedBlockingQueue<Object> received) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {
        received.add(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
