package io.marketprism.controlplane.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.controlplane.pki.MeshCa;
import io.marketprism.controlplane.pki.PemFiles;
import io.marketprism.controlplane.support.MeshHarness;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.testkit.NatsServer;
import io.marketprism.testkit.WithNats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unary calls/s and latency over four channels, in one run so the ratios compare like with like: direct plaintext,
 * {@code xds:///} plaintext, direct mTLS, {@code xds:///} mTLS; sequential and with 64 calls in flight. A load
 * driver, not a test: it asserts nothing and runs only with {@code -Dbenchmark=true}:
 *
 * <pre>{@code
 * mvn -B -q -o -pl control-plane test -Dtest=UnaryCallBenchmark -Dbenchmark=true -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
@WithNats
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class UnaryCallBenchmark {

  // quick mode (./marketprism bench --quick): a fifth of the calls, still thousands per channel
  private static final int WARMUP = BenchmarkResults.choose("bench.warm-up", 3_000, 1_000);
  private static final int SEQUENTIAL = BenchmarkResults.choose("bench.sequential", 10_000, 2_000);
  private static final int CONCURRENT = BenchmarkResults.choose("bench.concurrent", 40_000, 8_000);
  private static final int IN_FLIGHT = 64;

  record Result(String name, double callsPerSecond, double p50Micros, double p99Micros) {}

  @Test
  void run(NatsServer nats, @TempDir Path dir) throws Exception {
    MeshCa ca = MeshCa.create("bench CA", Duration.ofDays(1), Clock.systemUTC());
    Path serverCerts = dir.resolve("bench-tls");
    Path clientCerts = dir.resolve("client");
    PemFiles.write(serverCerts, ca.issue("bench-tls", Duration.ofHours(1)));
    PemFiles.write(clientCerts, ca.issue("bench-client", Duration.ofHours(1)));

    try (MeshHarness mesh = new MeshHarness(nats.url(), dir, "services: {bench-tls: {mtls: STRICT}}")) {
      Server direct = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(new Echo()).build().start();
      Server directTls = Grpc.newServerBuilderForPort(0, TlsServerCredentials.newBuilder()
              .keyManager(serverCerts.resolve(PemFiles.CERTIFICATE).toFile(), serverCerts.resolve(PemFiles.KEY).toFile())
              .trustManager(serverCerts.resolve(PemFiles.CA).toFile())
              .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
              .build())
          .addService(new Echo()).build().start();
      mesh.backend("bench-plain", "plain", "1.0");
      mesh.backend("bench-tls", "tls", "1.0", InsecureServerCredentials.create(),
          Map.of("server", fileWatcher(serverCerts)), MeshHarness.freePort());
      awaitServing(mesh, "bench-plain");
      awaitServing(mesh, "bench-tls");

      ManagedChannel directChannel = Grpc.newChannelBuilder("127.0.0.1:" + direct.getPort(), InsecureChannelCredentials.create()).build();
      ManagedChannel directTlsChannel = Grpc.newChannelBuilder("127.0.0.1:" + directTls.getPort(), TlsChannelCredentials.newBuilder()
              .keyManager(clientCerts.resolve(PemFiles.CERTIFICATE).toFile(), clientCerts.resolve(PemFiles.KEY).toFile())
              .trustManager(io.marketprism.controlplane.support.SpiffeTrust.of(ca.certificate()))
              .build())
          .build();
      ManagedChannel xdsChannel = mesh.client("bench-plain");
      ManagedChannel xdsTlsChannel = mesh.client("bench-tls", "bench-client", InsecureChannelCredentials.create(),
          Map.of("client", fileWatcher(clientCerts)));

      Map<String, ManagedChannel> channels = new java.util.LinkedHashMap<>();
      channels.put("direct plaintext", directChannel);
      channels.put("xds plaintext", xdsChannel);
      channels.put("direct mTLS", directTlsChannel);
      channels.put("xds mTLS", xdsTlsChannel);

      List<Result> sequential = new ArrayList<>();
      List<Result> concurrent = new ArrayList<>();
      for (Map.Entry<String, ManagedChannel> e : channels.entrySet()) {
        sequential(e.getValue(), WARMUP);
        concurrent(e.getValue(), WARMUP);
      }
      for (Map.Entry<String, ManagedChannel> e : channels.entrySet()) {
        sequential.add(sequential(e.getKey(), e.getValue()));
      }
      for (Map.Entry<String, ManagedChannel> e : channels.entrySet()) {
        concurrent.add(concurrent(e.getKey(), e.getValue()));
      }
      print("sequential (1 call in flight, " + SEQUENTIAL + " calls)", sequential);
      print(IN_FLIGHT + " calls in flight (" + CONCURRENT + " calls)", concurrent);
      record(sequential, concurrent);

      for (ManagedChannel c : channels.values()) {
        c.shutdownNow();
      }
      direct.shutdownNow();
      directTls.shutdownNow();
    }
  }

  /** Rows in the order of {@code channels}: direct plaintext, xds plaintext, direct mTLS, xds mTLS. */
  private static void record(List<Result> sequential, List<Result> concurrent) {
    BenchmarkResults results = BenchmarkResults.start(UnaryCallBenchmark.class);
    results.compared("xds.plaintext.sequential", "unary calls, xDS plaintext vs direct plaintext, sequential",
        sequential.get(1).callsPerSecond(), "calls/s", sequential.get(0).callsPerSecond(), "direct calls/s", 0.95);
    results.compared("xds.plaintext.concurrent", "unary calls, xDS plaintext vs direct plaintext, " + IN_FLIGHT
        + " in flight", concurrent.get(1).callsPerSecond(), "calls/s", concurrent.get(0).callsPerSecond(),
        "direct calls/s", 0.95);
    results.compared("xds.mtls.sequential", "unary calls, xDS mTLS vs direct mTLS, sequential",
        sequential.get(3).callsPerSecond(), "calls/s", sequential.get(2).callsPerSecond(), "direct mTLS calls/s");
    results.compared("xds.mtls.concurrent", "unary calls, xDS mTLS vs direct mTLS, " + IN_FLIGHT + " in flight",
        concurrent.get(3).callsPerSecond(), "calls/s", concurrent.get(2).callsPerSecond(), "direct mTLS calls/s",
        0.95);
    results.compared("xds.mtls.vs.plaintext", "unary calls, xDS mTLS vs direct plaintext, " + IN_FLIGHT
        + " in flight", concurrent.get(3).callsPerSecond(), "calls/s", concurrent.get(0).callsPerSecond(),
        "direct plaintext calls/s", 0.8);
  }

  private static void print(String title, List<Result> results) {
    Result direct = results.get(0);
    Result directTls = results.get(2);
    System.out.println();
    System.out.println("== " + title);
    System.out.printf("%-18s %12s %10s %10s %10s %14s%n", "channel", "calls/s", "p50 µs", "p99 µs", "vs direct", "vs direct mTLS");
    for (Result r : results) {
      System.out.printf("%-18s %12.0f %10.0f %10.0f %9.2fx %13.2fx%n", r.name(), r.callsPerSecond(), r.p50Micros(),
          r.p99Micros(), r.callsPerSecond() / direct.callsPerSecond(), r.callsPerSecond() / directTls.callsPerSecond());
    }
  }

  private static Result sequential(String name, ManagedChannel channel) {
    long[] latencies = sequential(channel, SEQUENTIAL);
    long total = Arrays.stream(latencies).sum();
    return result(name, latencies, SEQUENTIAL * 1e9 / total);
  }

  private static long[] sequential(ManagedChannel channel, int calls) {
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
    long[] latencies = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      stub.unaryRpc(SimpleRequest.getDefaultInstance());
      latencies[i] = System.nanoTime() - start;
    }
    return latencies;
  }

  private static Result concurrent(String name, ManagedChannel channel) throws InterruptedException {
    long start = System.nanoTime();
    long[] latencies = concurrent(channel, CONCURRENT);
    return result(name, latencies, CONCURRENT * 1e9 / (System.nanoTime() - start));
  }

  private static long[] concurrent(ManagedChannel channel, int calls) throws InterruptedException {
    SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(channel);
    long[] latencies = new long[calls];
    Semaphore permits = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(calls);
    for (int i = 0; i < calls; i++) {
      permits.acquire();
      int index = i;
      long begin = System.nanoTime();
      stub.unaryRpc(SimpleRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(SimpleResponse value) {}

        @Override
        public void onError(Throwable t) {
          finish();
        }

        @Override
        public void onCompleted() {
          finish();
        }

        private void finish() {
          latencies[index] = System.nanoTime() - begin;
          permits.release();
          done.countDown();
        }
      });
    }
    done.await(5, TimeUnit.MINUTES);
    return latencies;
  }

  private static Result result(String name, long[] latencies, double callsPerSecond) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Result(name, callsPerSecond, sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
  }

  private static void awaitServing(MeshHarness mesh, String service) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> mesh.controlPlane().registryView()
        .instances(i -> i.getService().equals(service) && i.getState() == InstanceState.INSTANCE_STATE_SERVING).size() == 1);
  }

  private static Map<String, Object> fileWatcher(Path dir) {
    return Map.of("plugin_name", "file_watcher", "config", Map.of(
        "certificate_file", dir.resolve(PemFiles.CERTIFICATE).toString(),
        "private_key_file", dir.resolve(PemFiles.KEY).toString(),
        "ca_certificate_file", dir.resolve(PemFiles.CA).toString(),
        "refresh_interval", "60s"));
  }

  /** Answers every call at once. */
  static final class Echo extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      response.onNext(SimpleResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
