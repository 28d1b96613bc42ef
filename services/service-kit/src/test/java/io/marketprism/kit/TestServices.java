package io.marketprism.kit;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.observability.Telemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** A service for the kit's tests: echoes, or for "block" waits until released (or cancelled). */
final class TestServices {

  private TestServices() {}

  static final class EchoService extends MarketPrismService<ServiceConfig> {

    final CountDownLatch callEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch handlerSawCancellation = new CountDownLatch(1);
    final AtomicReference<ServiceContext> context = new AtomicReference<>();

    EchoService() {
      super("echo", ServiceConfig.class);
    }

    @Override
    protected List<BindableService> services(ServiceConfig config, ServiceContext ctx) {
      context.set(ctx);
      return List.of(
          new SimpleServiceGrpc.SimpleServiceImplBase() {
            @Override
            public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
              if (request.getRequestMessage().equals("block")) {
                Context.current()
                    .addListener(
                        cancelled -> {
                          handlerSawCancellation.countDown();
                          release.countDown();
                        },
                        Runnable::run);
                callEntered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              responses.onNext(SimpleResponse.newBuilder().setResponseMessage(request.getRequestMessage()).build());
              responses.onCompleted();
            }
          });
    }
  }

  static ServiceConfig config(Map<String, String> environment) {
    return ConfigLoader.load(ServiceConfig.class, null, environment);
  }

  /** Telemetry whose spans land in {@code spans}. */
  static Telemetry telemetry(InMemorySpanExporter spans) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return Telemetry.of("echo", sdk, new PrometheusRegistry());
  }
}
