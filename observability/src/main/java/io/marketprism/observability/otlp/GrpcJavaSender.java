package io.marketprism.observability.otlp;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends OTLP export requests over a grpc-java channel: the exporter has already serialized the request, so the
 * call carries bytes both ways. {@code http://} endpoints are plaintext (a local Jaeger or collector on 4317),
 * {@code https://} ones TLS, trusting the exporter's configured certificate if it has one.
 *
 * <p>One attempt per batch: a failed export is reported to the exporter (which logs it and drops the batch, as its
 * batch processor does for any failure); retries are left to the collector in front of the backend.
 */
final class GrpcJavaSender implements GrpcSender {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final GrpcSenderConfig config;
  private final ManagedChannel channel;
  private final MethodDescriptor<byte[], byte[]> method;

  GrpcJavaSender(GrpcSenderConfig config) {
    this.config = config;
    this.channel = channel(config);
    this.method =
        MethodDescriptor.newBuilder(BYTES, BYTES)
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(config.getFullMethodName())
            .build();
  }

  private static ManagedChannel channel(GrpcSenderConfig config) {
    URI endpoint = config.getEndpoint();
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (tls) {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (config.getTrustManager() != null) {
        builder.trustManager(config.getTrustManager());
      }
      credentials = builder.build();
    }
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : tls ? 443 : 80;
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials);
    if (config.getExecutorService() != null) {
      builder.executor(config.getExecutorService());
    }
    return builder.build();
  }

  @Override
  public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(writer.getContentLength(), 32));
    try {
      writer.writeMessage(body);
    } catch (IOException e) {
      onError.accept(e);
      return;
    }
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
    // grpc-java compresses by itself; it knows gzip (OTLP's only standard compression) by name
    if (config.getCompressor() != null && "gzip".equals(config.getCompressor().getEncoding())) {
      options = options.withCompression("gzip");
    }
    ClientCall<byte[], byte[]> call = channel.newCall(method, options);
    call.start(new ResponseListener(onResponse), headers());
    call.request(1);
    call.sendMessage(body.toByteArray());
    call.halfClose();
  }

  private Metadata headers() {
    Metadata headers = new Metadata();
    Map<String, List<String>> configured = config.getHeadersSupplier().get();
    if (configured != null) {
      configured.forEach(
          (name, values) ->
              values.forEach(value -> headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value)));
    }
    return headers;
  }

  @Override
  public CompletableResultCode shutdown() {
    channel.shutdown();
    return CompletableResultCode.ofSuccess();
  }

  /** Hands the call's one answer, or its failure status, to the exporter. */
  private static final class ResponseListener extends ClientCall.Listener<byte[]> {

    private final Consumer<GrpcResponse> onResponse;
    private byte[] message = new byte[0];

    ResponseListener(Consumer<GrpcResponse> onResponse) {
      this.onResponse = onResponse;
    }

    @Override
    public void onMessage(byte[] message) {
      this.message = message;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      onResponse.accept(
          new Response(GrpcStatusCode.fromValue(status.getCode().value()), status.getDescription(), message));
    }
  }

  private record Response(GrpcStatusCode code, String description, byte[] message) implements GrpcResponse {

    @Override
    public GrpcStatusCode getStatusCode() {
      return code;
    }

    @Override
    public String getStatusDescription() {
      return description;
    }

    @Override
    public byte[] getResponseMessage() {
      return message;
    }
  }
}
