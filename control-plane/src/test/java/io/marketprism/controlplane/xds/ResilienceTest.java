package io.marketprism.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Circuit breaking, outlier ejection and retries, as gRPC clients apply them from the control plane's clusters. */
@WithNats
class ResilienceTest {

  private static MeshHarness mesh;

  @BeforeAll
  static void start(NatsServer nats, @TempDir Path dir) throws Exception {
    mesh = new MeshHarness(nats.url(), dir, """
        services:
          breaker:
            circuit-breaker: {max-requests: 2}
          outlier:
            outlier-detection: {interval: 200ms, base-ejection-time: 30s, max-ejection-percent: 34, failure-percentage: 50, minimum-hosts: 3, request-volume: 5}
          retried:
            retry: {codes: [UNAVAILABLE], attempts: 3, initial-backoff: 10ms, max-backoff: 50ms}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    mesh.close();
  }

  private static void awaitAllSeen(ManagedChannel channel, Set<String> instances) {
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      seen.add(MeshHarness.call(channel, Map.of()));
      return seen.containsAll(instances);
    });
  }

  @Test
  void callsBeyondMaxRequestsFailFastWhileTheOthersRun() throws Exception {
    MeshHarness.Backend backend = mesh.backend("breaker", "breaker-a", "1.0");
    ManagedChannel channel = mesh.client("breaker");
    awaitAllSeen(channel, Set.of("breaker-a"));

    SimpleServiceGrpc.SimpleServiceStub async = SimpleServiceGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    AtomicInteger completed = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      async.unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hold").build(), counting(completed));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held() == 2);

    assertThatThrownBy(() -> SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .unaryRpc(SimpleRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(backend.held()).isEqualTo(2);

    backend.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> completed.get() == 2);
    assertThat(MeshHarness.call(channel, Map.of())).isEqualTo("breaker-a");
  }

  @Test
  void anInstanceReturningErrorsIsEjected() throws Exception {
    mesh.backend("outlier", "outlier-a", "1.0");
    mesh.backend("outlier", "outlier-b", "1.0");
    MeshHarness.Backend bad = mesh.backend("outlier", "outlier-c", "1.0");
    ManagedChannel channel = mesh.client("outlier");
    awaitAllSeen(channel, Set.of("outlier-a", "outlier-b", "outlier-c"));

    bad.failing(true);
    // once ejected, 100 calls in a row succeed; before, one call in three would fail
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
      for (int i = 0; i < 100; i++) {
        try {
          MeshHarness.call(channel, Map.of());
        } catch (StatusRuntimeException e) {
          return false;
        }
      }
      return true;
    });
    for (int i = 0; i < 200; i++) {
      assertThat(MeshHarness.call(channel, Map.of())).isNotEqualTo("outlier-c");
    }
  }

  @Test
  void retriesHideAKilledInstanceUnderSteadyLoad() throws Exception {
    mesh.backend("retried", "retried-a", "1.0");
    mesh.backend("retried", "retried-b", "1.0");
    MeshHarness.Backend victim = mesh.backend("retried", "retried-c", "1.0");
    ManagedChannel channel = mesh.client("retried");
    awaitAllSeen(channel, Set.of("retried-a", "retried-b", "retried-c"));

    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread[] load = new Thread[4];
    for (int t = 0; t < load.length; t++) {
      load[t] = new Thread(() -> {
        while (running.get()) {
          try {
            MeshHarness.call(channel, Map.of());
          } catch (StatusRuntimeException e) {
            failures.incrementAndGet();
          }
          calls.incrementAndGet();
        }
      });
      load[t].start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 1000);
    victim.kill();
    int atKill = calls.get();
    await().atMost(Duration.ofSeconds(60)).until(() -> calls.get() >= atKill + 3000);
    running.set(false);
    for (Thread t : load) {
      t.join(10_000);
    }

    assertThat(failures.get() * 1000L).as("%d failures in %d calls", failures.get(), calls.get()).isLessThan(calls.get());
  }

  private static StreamObserver<SimpleResponse> counting(AtomicInteger completed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SimpleResponse value) {}

      @Override
      public void onError(Throwable t) {
        completed.incrementAndGet();
      }

      @Override
      public void onCompleted() {
        completed.incrementAndGet();
      }
    };
  }
}
