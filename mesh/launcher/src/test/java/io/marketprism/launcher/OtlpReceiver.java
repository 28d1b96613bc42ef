package io.marketprism.launcher;

import com.google.protobuf.ByteString;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/gRPC trace receiver for tests, on loopback, as Jaeger's or a collector's port 4317: serves
 * {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} with the {@code opentelemetry-proto} messages
 * (the method declared by hand: the artifact ships messages, not stubs), and keeps every span with the
 * {@code service.name} of the process that sent it. Services export to it with {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One received span, ids in lower-case hex as in {@code traceparent}; an empty parent id for a root. */
  record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
      Span.SpanKind kind, Map<String, String> attributes, List<String> linkedSpanIds) {

    String attribute(String key) {
      return attributes.get(key);
    }
  }

  private static final String SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";

  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Export"))
          .setRequestMarshaller(ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private static final HexFormat HEX = HexFormat.of();

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private Server server;

  private OtlpReceiver() {}

  /** Listens on a free loopback port. */
  static OtlpReceiver start() throws IOException {
    OtlpReceiver receiver = new OtlpReceiver();
    ServerServiceDefinition traces = ServerServiceDefinition.builder(SERVICE)
        .addMethod(EXPORT, ServerCalls.asyncUnaryCall(receiver::export))
        .build();
    receiver.server = NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), InsecureServerCredentials.create())
        .addService(traces)
        .build()
        .start();
    return receiver;
  }

  /** The value for {@code OTEL_EXPORTER_OTLP_ENDPOINT}, with {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** Every span received so far. */
  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  private void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = attributes(resourceSpans.getResource()).getOrDefault("service.name", "");
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans.add(received(service, span));
        }
      }
    }
    responses.onNext(ExportTraceServiceResponse.getDefaultInstance());
    responses.onCompleted();
  }

  private static ReceivedSpan received(String service, Span span) {
    Map<String, String> attributes = new TreeMap<>();
    for (KeyValue attribute : span.getAttributesList()) {
      attributes.put(attribute.getKey(), text(attribute.getValue()));
    }
    List<String> links = new ArrayList<>();
    span.getLinksList().forEach(link -> links.add(hex(link.getSpanId())));
    return new ReceivedSpan(service, hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()),
        span.getName(), span.getKind(), attributes, links);
  }

  private static Map<String, String> attributes(Resource resource) {
    Map<String, String> attributes = new TreeMap<>();
    resource.getAttributesList().forEach(attribute -> attributes.put(attribute.getKey(), text(attribute.getValue())));
    return attributes;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
