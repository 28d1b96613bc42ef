package io.marketprism.gateway.bench;

import io.marketprism.testkit.bench.BenchmarkResults;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.marketprism.gateway.GatewayHarness;
import io.marketprism.marketdata.v1.Side;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.v1.GetStatsRequest;
import io.marketprism.storage.v1.GetStatsResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Unary calls through the full gateway (JWT authentication, role rule, rate limit, cache lookup, access log,
 * metrics, routing) against the same call (a) straight to the service over gRPC and (b) through a bare Armeria
 * transcoding service with no edge policies — once answering in process, once forwarding to the same service with
 * a generated stub, which is the engine's floor for what the gateway does — sequentially and with 64 in flight; and a response-cache hit against a miss. The service is an
 * in-process storage stand-in answering a fixed page of five trades, so what is measured is the path, not
 * ClickHouse. Everything runs in one JVM on the same two cores, so the figures include the client's CPU too; the
 * ratios are what compare.
 *
 * <p>The gateway reaches the service over plaintext here: the mesh's xDS mTLS path needs a control plane and a
 * workload identity per process (one per JVM), which this single-JVM driver cannot give the gateway and the
 * service both. ARCHITECTURE.md measured xDS mTLS at 0.72× direct plaintext for sequential unary calls.
 *
 * <p>Not a test: its name matches no surefire include. Run it with
 * {@code mvn -B -o -pl services/api-gateway test -Dtest=GatewayBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.seconds=10]}; figures go to {@code target/surefire-reports/io.marketprism.gateway.bench.GatewayBenchmark-output.txt}.
 */
class GatewayBenchmark {

  /** Quick mode ({@code ./marketprism bench --quick}): 3 s phases, enough for a rate, not for a stable p99. */
  private static final int SECONDS = BenchmarkResults.choose("bench.seconds", 10, 3);
  private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
  /** For profiling one path: {@code -Dbench.only=gateway} runs the gateway at the set concurrency and nothing else. */
  private static final String ONLY = System.getProperty("bench.only", "");
  private static final String TRADES_PATH = "/v1/trades/binance/BTC-USDT?limit=5";

  @Test
  void gatewayAgainstDirectGrpcAndBareArmeria() throws Exception {
    StorageStandIn storage = new StorageStandIn();
    io.grpc.Server upstream =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(storage).build().start();
    ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", upstream.getPort()).usePlaintext().build();
    // two engines without our edge: one answering in process, one forwarding each call to the same service
    Server bare = bareArmeria(storage);
    Server bareForwarding = bareArmeria(new Forwarding(StorageServiceGrpc.newStub(direct)));
    Path dir = Files.createTempDirectory("gateway-bench");
    GatewayHarness gateway =
        new GatewayHarness(
            dir,
            Map.of("data-storage", "127.0.0.1:" + upstream.getPort()),
            Map.of(),
            """
            traffic:
              rate-limits:
                per-role:
                  reader: {capacity: 100000000, period: 1s}
            """,
            false);
    try {
      StorageServiceGrpc.StorageServiceFutureStub grpc = StorageServiceGrpc.newFutureStub(direct);
      ListTradesRequest request =
          ListTradesRequest.newBuilder().setExchange("binance").setSymbol("BTC-USDT").setLimit(5).build();
      WebClient bareClient = WebClient.of("http://127.0.0.1:" + bare.activeLocalPort());
      WebClient forwardingClient = WebClient.of("http://127.0.0.1:" + bareForwarding.activeLocalPort());
      WebClient gatewayClient = WebClient.of(gateway.uri());
      String bearer = gateway.bearer("reader");
      RequestHeaders trades = RequestHeaders.builder(HttpMethod.GET, TRADES_PATH)
          .set(HttpHeaderNames.AUTHORIZATION, bearer).build();
      RequestHeaders statsHit = RequestHeaders.builder(HttpMethod.GET, "/v1/storage/stats")
          .set(HttpHeaderNames.AUTHORIZATION, bearer).build();
      RequestHeaders statsMiss = statsHit.toBuilder().set(HttpHeaderNames.CACHE_CONTROL, "no-cache").build();

      assertThat(rest(gatewayClient, trades).get().contentUtf8()).contains("\"trade_id\":\"5\"");
      assertThat(rest(bareClient, trades).get().contentUtf8()).contains("\"trade_id\":\"5\"");

      Scenario directGrpc = new Scenario("direct gRPC", () -> toCompletable(grpc.listTrades(request)));
      Scenario bareRest = new Scenario("bare Armeria REST", () -> rest(bareClient, trades));
      Scenario forwardingRest = new Scenario("bare Armeria fwd", () -> rest(forwardingClient, trades));
      Scenario gatewayRest = new Scenario("gateway REST", () -> rest(gatewayClient, trades));
      Scenario cacheHit = new Scenario("gateway cache hit", () -> rest(gatewayClient, statsHit));
      Scenario cacheMiss = new Scenario("gateway cache miss", () -> rest(gatewayClient, statsMiss));

      if (ONLY.equals("gateway")) {
        gatewayRest.run(Duration.ofSeconds(Math.max(2, SECONDS / 3)), CONCURRENCY);
        print(CONCURRENCY + " in flight", gatewayRest.run(Duration.ofSeconds(SECONDS), CONCURRENCY));
        return;
      }
      for (Scenario s : new Scenario[] {directGrpc, bareRest, forwardingRest, gatewayRest, cacheHit, cacheMiss}) {
        s.run(Duration.ofSeconds(Math.max(2, SECONDS / 3)), 1); // warm-up, unmeasured: compiled code is measured
      }
      System.out.printf("machine: %d cores, load %.2f, %d s per phase%n",
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), SECONDS);
      Scenario[] paths = {directGrpc, bareRest, forwardingRest, gatewayRest};
      Result[] sequential = new Result[paths.length];
      Result[] concurrent = new Result[paths.length];
      for (int i = 0; i < paths.length; i++) {
        sequential[i] = paths[i].run(Duration.ofSeconds(SECONDS), 1);
        concurrent[i] = paths[i].run(Duration.ofSeconds(SECONDS), CONCURRENCY);
      }
      Result hit = cacheHit.run(Duration.ofSeconds(SECONDS), 1);
      Result miss = cacheMiss.run(Duration.ofSeconds(SECONDS), 1);
      // printed together at the end: the gateway's access log lines go to the same output while it runs
      for (int i = 0; i < paths.length; i++) {
        print("sequential", sequential[i]);
        print(CONCURRENCY + " in flight", concurrent[i]);
      }
      print("sequential", hit);
      print("sequential", miss);
      int gw = 3;
      System.out.printf("ratio gateway/direct gRPC: sequential %.2f, %d in flight %.2f (goal >= 0.5 at 64)%n",
          sequential[gw].rate() / sequential[0].rate(), CONCURRENCY, concurrent[gw].rate() / concurrent[0].rate());
      System.out.printf("ratio gateway/bare Armeria answering in process: sequential %.2f, %d in flight %.2f%n",
          sequential[gw].rate() / sequential[1].rate(), CONCURRENCY, concurrent[gw].rate() / concurrent[1].rate());
      System.out.printf(
          "ratio gateway/bare Armeria forwarding to the service: sequential %.2f, %d in flight %.2f (goal >= 0.8 at 64)%n",
          sequential[gw].rate() / sequential[2].rate(), CONCURRENCY, concurrent[gw].rate() / concurrent[2].rate());
      System.out.printf("ratio cache hit/miss %.2f (goal >= 5); upstream calls served %d%n",
          hit.rate() / miss.rate(), storage.calls.get());
      BenchmarkResults results = BenchmarkResults.start(GatewayBenchmark.class);
      String what = "REST GET /v1/trades (limit 5) through the full gateway, ";
      results.compared("rest.concurrent.direct", what + CONCURRENCY + " in flight", concurrent[gw].rate(), "calls/s",
          concurrent[0].rate(), "direct gRPC calls/s", 0.5);
      results.compared("rest.concurrent.bare", what + CONCURRENCY + " in flight, against a bare forwarding Armeria",
          concurrent[gw].rate(), "calls/s", concurrent[2].rate(), "bare Armeria forwarding calls/s", 0.8);
      results.compared("rest.sequential.direct", what + "sequential", sequential[gw].rate(), "calls/s",
          sequential[0].rate(), "direct gRPC calls/s");
      results.compared("cache.hit", "response cache hit vs miss (/v1/storage/stats), sequential", hit.rate(),
          "calls/s", miss.rate(), "miss calls/s", 5);
    } finally {
      direct.shutdownNow();
      gateway.close();
      bare.stop().join();
      bareForwarding.stop().join();
      upstream.shutdownNow();
    }
  }

  /** Armeria's transcoding service and nothing else: no authentication, limits, cache, log or metrics. */
  private static Server bareArmeria(io.grpc.BindableService service) {
    Server server =
        Server.builder()
            .http(0)
            .service(
                GrpcService.builder()
                    .addService(service)
                    .enableHttpJsonTranscoding(true)
                    .jsonMarshallerFactory(
                        descriptor ->
                            GrpcJsonMarshaller.builder()
                                .jsonMarshallerCustomizer(json -> json.preservingProtoFieldNames(true))
                                .build(descriptor))
                    .build())
            .build();
    server.start().join();
    return server;
  }

  /** Forwards each call to the service with its generated async stub: the least an Armeria proxy can do. */
  static final class Forwarding extends StorageServiceGrpc.StorageServiceImplBase {
    private final StorageServiceGrpc.StorageServiceStub upstream;

    Forwarding(StorageServiceGrpc.StorageServiceStub upstream) {
      this.upstream = upstream;
    }

    @Override
    public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> response) {
      upstream.listTrades(request, response);
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
      upstream.getStats(request, response);
    }
  }

  private static void print(String mode, Result r) {
    System.out.printf("%-20s %-12s %9.0f calls/s  p50 %7.3f ms  p99 %7.3f ms  JVM CPU %6.1f us/call  errors %d%n",
        r.name(), mode, r.rate(), r.p50Millis(), r.p99Millis(), r.cpuMicrosPerCall(), r.errors());
  }

  private static CompletableFuture<AggregatedHttpResponse> rest(WebClient client, RequestHeaders headers) {
    return client.execute(headers).aggregate().thenApply(response -> {
      if (response.status().code() != 200) {
        throw new IllegalStateException("HTTP " + response.status() + ": " + response.contentUtf8());
      }
      return response;
    });
  }

  private static <T> CompletableFuture<T> toCompletable(com.google.common.util.concurrent.ListenableFuture<T> future) {
    CompletableFuture<T> result = new CompletableFuture<>();
    future.addListener(() -> {
      try {
        result.complete(future.get());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    }, Runnable::run);
    return result;
  }

  record Result(String name, long calls, long errors, double seconds, double p50Millis, double p99Millis,
      double cpuMicrosPerCall) {
    double rate() {
      return calls / seconds;
    }
  }

  /** Calls one path as fast as it answers with {@code inFlight} calls outstanding, for a while. */
  record Scenario(String name, Supplier<CompletableFuture<?>> call) {

    Result run(Duration duration, int inFlight) throws InterruptedException {
      long[] latencies = new long[4_000_000];
      AtomicLong count = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      Semaphore window = new Semaphore(inFlight);
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      while (System.nanoTime() < end) {
        window.acquire();
        long sent = System.nanoTime();
        call.get().whenComplete((ignored, error) -> {
          long n = count.getAndIncrement();
          if (n < latencies.length) {
            latencies[(int) n] = System.nanoTime() - sent;
          }
          if (error != null) {
            errors.incrementAndGet();
          }
          window.release();
        });
      }
      window.acquire(inFlight);
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpu = processCpuNanos() - cpuBefore;
      int n = (int) Math.min(count.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return new Result(name, count.get(), errors.get(), seconds,
          sorted[(int) (n * 0.50)] / 1e6, sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e6, cpu / 1e3 / count.get());
    }

    private static long processCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
  }

  /** Answers a fixed page of five trades, and fixed stats, counting the calls that reach it. */
  static final class StorageStandIn extends StorageServiceGrpc.StorageServiceImplBase {
    final AtomicLong calls = new AtomicLong();
    private final ListTradesResponse page;

    StorageStandIn() {
      ListTradesResponse.Builder builder = ListTradesResponse.newBuilder();
      for (int id = 1; id <= 5; id++) {
        builder.addTrades(Trade.newBuilder().setExchange("binance").setSymbol("BTC-USDT").setNativeSymbol("BTCUSDT")
            .setTradeId(Integer.toString(id)).setSide(Side.SIDE_BUY).setPrice("42219.9" + id).setAmount("0.0" + id)
            .setExchangeTimeNs(1_765_000_000_000_000_000L + id).setReceiveTimeNs(1_765_000_000_001_000_000L + id));
      }
      page = builder.setNextPageToken("next").build();
    }

    @Override
    public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> response) {
      calls.incrementAndGet();
      response.onNext(page);
      response.onCompleted();
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
      calls.incrementAndGet();
      response.onNext(GetStatsResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
