package io.marketprism.gateway;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.marketprism.kit.RunningService;
import io.marketprism.kit.ServiceKit;
import io.marketprism.kit.config.ConfigLoader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.marketprism.observability.Telemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * The api-gateway service as {@code ./marketprism up --no-mesh} runs it (the kit, its config from the environment), on
 * a free HTTP port, with an HS256 key of its own so tests can mint tokens, and {@code peers} pointing at whatever
 * upstreams the test started.
 */
public final class GatewayHarness implements AutoCloseable {

  public final RunningService service;
  public final int httpPort;
  public final PrometheusRegistry metrics = new PrometheusRegistry();
  /** The spans the gateway ended. */
  public final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final byte[] key = new byte[32];

  public GatewayHarness(Path dir, Map<String, String> peers, Map<String, String> settings) throws Exception {
    this(dir, peers, settings, null);
  }

  /** {@code yaml}: a config file's content (for sections the environment cannot set, such as rate limits), or null. */
  public GatewayHarness(Path dir, Map<String, String> peers, Map<String, String> settings, String yaml) throws Exception {
    this(dir, peers, settings, yaml, true);
  }

  /**
   * {@code recordSpans}: keep every ended span in {@link #spans} (tests), or create spans and drop them as a service
   * without an OTLP endpoint does (benchmarks: a span store that grows with every request would be measured too).
   */
  public GatewayHarness(
      Path dir, Map<String, String> peers, Map<String, String> settings, String yaml, boolean recordSpans)
      throws Exception {
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("jwt-hs256-" + System.nanoTime() + ".key");
    Files.writeString(keyFile, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    httpPort = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("MARKETPRISM_GRPC_PORT", "0");
    env.put("MARKETPRISM_HTTP_PORT", Integer.toString(httpPort));
    env.put("MARKETPRISM_METRICS_ENABLED", "false");
    env.put("MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE", keyFile.toString());
    peers.forEach(
        (service, address) ->
            env.put("MARKETPRISM_PEERS_" + service.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), address));
    env.putAll(settings);
    Path file = null;
    if (yaml != null) {
      file = Files.writeString(dir.resolve("gateway-" + System.nanoTime() + ".yaml"), yaml);
    }
    ApiGatewayConfig config = ConfigLoader.load(ApiGatewayConfig.class, file, env);
    service =
        ServiceKit.builder(new ApiGatewayService(), config)
            .telemetry(
                Telemetry.of(
                    "api-gateway",
                    OpenTelemetrySdk.builder()
                        .setTracerProvider(
                            recordSpans
                                ? SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()
                                : SdkTracerProvider.builder().build())
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                        .build(),
                    metrics))
            .start();
  }

  public String uri() {
    return "http://127.0.0.1:" + httpPort;
  }

  public BlockingWebClient client() {
    return WebClient.builder(uri()).responseTimeout(Duration.ofSeconds(30)).build().blocking();
  }

  /** An HS256 token the gateway accepts, for {@code subject} with {@code role}, valid for an hour. */
  public String token(String subject, String role) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .claim("role", role)
            .issuer("marketprism-local")
            .audience("marketprism-gateway")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }

  public String bearer(String role) throws Exception {
    return "Bearer " + token("tester-" + role, role);
  }

  /** A plaintext gRPC channel to the HTTP port, every call carrying {@code role}'s token. */
  public ManagedChannel grpcChannel(String role) throws Exception {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), bearer(role));
    return NettyChannelBuilder.forAddress("127.0.0.1", httpPort)
        .usePlaintext()
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
        .build();
  }

  /** The gateway's metrics as {@code /metrics} would serve them. */
  public String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    service.close();
  }
}
