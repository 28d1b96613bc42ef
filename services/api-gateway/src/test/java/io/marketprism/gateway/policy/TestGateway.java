package io.marketprism.gateway.policy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.marketprism.gateway.security.Caller;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.storage.v1.WriteTradesRequest;
import io.marketprism.storage.v1.WriteTradesResponse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Armeria server wired the way the gateway wires its routes: a gRPC service (HTTP/JSON transcoding, unframed JSON,
 * gRPC, gRPC-Web) whose calls pass the edge's interceptors, decorated by {@link GatewayEdgePolicies}, with the
 * server-wide settings applied. The service answers ListTrades with who called it and how many calls it has served.
 */
final class TestGateway implements AutoCloseable {

  final GatewayEdgePolicies policies;
  final PrometheusRegistry registry = new PrometheusRegistry();
  final AtomicInteger upstreamCalls = new AtomicInteger();
  final Server server;

  TestGateway(Path dir, String yaml, TestClock clock) throws Exception {
    Path file = dir.resolve("gateway-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml);
    EdgeSections sections = ConfigLoader.load(EdgeSections.class, file, Map.of());
    policies = GatewayEdgePolicies.create(sections.security(), sections.traffic(), registry, clock);

    StorageServiceGrpc.StorageServiceImplBase storage =
        new StorageServiceGrpc.StorageServiceImplBase() {
          @Override
          public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> response) {
            int call = upstreamCalls.incrementAndGet();
            String caller = Caller.current().map(Caller::metadataValue).orElse("none");
            response.onNext(ListTradesResponse.newBuilder().setNextPageToken("call " + call + " by " + caller).build());
            response.onCompleted();
          }

          @Override
          public void writeTrades(WriteTradesRequest request, StreamObserver<WriteTradesResponse> response) {
            upstreamCalls.incrementAndGet();
            response.onNext(WriteTradesResponse.newBuilder().setAccepted(request.getTradesCount()).build());
            response.onCompleted();
          }
        };
    GrpcService grpc =
        GrpcService.builder()
            .addService(ServerInterceptors.intercept(storage, policies.grpcInterceptors()))
            .enableHttpJsonTranscoding(true)
            .enableUnframedRequests(true)
            .build();
    ServerBuilder sb = Server.builder().http(0);
    policies.configureServer(sb);
    sb.service(grpc, policies::decorate);
    sb.service("/healthz", policies.decorate((ctx, req) -> HttpResponse.of("ok")));
    server = sb.build();
    server.start().join();
  }

  String uri() {
    return "http://127.0.0.1:" + server.activeLocalPort();
  }

  @Override
  public void close() {
    server.stop().join();
    policies.close();
  }
}
