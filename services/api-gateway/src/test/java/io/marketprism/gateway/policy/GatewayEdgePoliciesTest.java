package io.marketprism.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.gateway.security.ApiKeyStore;
import io.marketprism.kit.config.ConfigException;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.storage.v1.WriteTradesRequest;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The edge policies in front of a real Armeria server and gRPC service, over real HTTP and gRPC. */
class GatewayEdgePoliciesTest {

  private static final String TRADES = "/v1/trades/binance/BTC-USDT?limit=5";
  private static final String API_KEY = "mpk_0123456789abcdef0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final TestClock clock = new TestClock(Instant.parse("2026-12-06T05:00:00Z"));
  private byte[] hmacKey;
  private RSAKey rsa;
  private ECKey ec;
  private Path apiKeys;
  private TestGateway gateway;

  @BeforeEach
  void keys() throws Exception {
    hmacKey = new byte[32];
    new SecureRandom().nextBytes(hmacKey);
    Files.writeString(dir.resolve("jwt-hs256.key"), Base64.getUrlEncoder().withoutPadding().encodeToString(hmacKey));
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    Files.writeString(dir.resolve("jwks.json"), new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
    apiKeys = dir.resolve("api-keys.json");
    writeApiKeys(Map.of("ci-bot", API_KEY));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private void start(String traffic) throws Exception {
    gateway =
        new TestGateway(
            dir,
            """
            security:
              jwt:
                jwks-file: %s
                hs256-key-file: %s
                issuer: marketprism-test
                audiences: [marketprism-gateway]
                clock-skew: 30s
              api-keys:
                file: %s
                reload-check-interval: 0s
            traffic:
            %s
            """
                .formatted(dir.resolve("jwks.json"), dir.resolve("jwt-hs256.key"), apiKeys, traffic.indent(2)),
            clock);
  }

  private void start() throws Exception {
    start("cors: {allowed-origins: [\"http://localhost:5173\"]}");
  }

  // --- authentication ---

  @Test
  void hs256TokenIsAcceptedAndTheHandlerSeesTheCaller() throws Exception {
    start();
    AggregatedHttpResponse response = get(TRADES, bearer(hs256("alice", "reader")));
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(json(response).path("nextPageToken").asText()).isEqualTo("call 1 by alice;role=reader");
  }

  @Test
  void rs256AndEs256TokensAreVerifiedAgainstTheJwksFile() throws Exception {
    start();
    assertThat(get(TRADES, bearer(signed(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims("rsa-user", "reader"))))
            .status().code())
        .isEqualTo(200);
    assertThat(get(TRADES, bearer(signed(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1", claims("ec-user", "reader"))))
            .status().code())
        .isEqualTo(200);
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    assertUnauthorized(
        get(TRADES, bearer(signed(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1", claims("x", "reader")))),
        "invalid token");
  }

  @Test
  void aTokenSeenBeforeIsStillRefusedOnceItExpires() throws Exception {
    start();
    String token = bearer(hs256(claims("alice", "reader").expirationTime(Date.from(clock.instant().plusSeconds(60)))));
    assertThat(get(TRADES, token).status().code()).isEqualTo(200);
    assertThat(get(TRADES, token).status().code()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(60 + 31)); // past exp and the 30 s skew

    assertUnauthorized(get(TRADES, token), "expired");
  }

  @Test
  void missingCredentialsGet401WithAChallengeAndAStatusBody() throws Exception {
    start();
    AggregatedHttpResponse response = get(TRADES);
    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get("www-authenticate")).isEqualTo("Bearer realm=\"marketprism\"");
    assertThat(response.contentType()).isEqualTo(MediaType.JSON_UTF_8);
    JsonNode body = json(response);
    assertThat(body.path("code").asInt()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
    assertThat(body.path("message").asText()).startsWith("credentials required");
    assertThat(body.path("details").isArray()).isTrue();
    assertThat(gateway.upstreamCalls).hasValue(0);
  }

  @Test
  void badTokensGet401ThatSaysWhy() throws Exception {
    start();
    Instant now = clock.instant();
    assertUnauthorized(get(TRADES, bearer(hs256(claims("a", "reader").expirationTime(Date.from(now.minusSeconds(60)))))), "expired");
    assertUnauthorized(get(TRADES, bearer(hs256(claims("a", "reader").notBeforeTime(Date.from(now.plusSeconds(60)))))), "before");
    assertUnauthorized(get(TRADES, bearer(hs256(claims("a", "reader").issuer("someone-else")))), "iss");
    assertUnauthorized(get(TRADES, bearer(hs256(claims("a", "reader").audience("another-api")))), "aud claim");
    assertUnauthorized(get(TRADES, bearer(hs256(claims("a", "superuser")))), "role");
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    assertUnauthorized(
        get(TRADES, bearer(signed(new MACSigner(otherKey), JWSAlgorithm.HS256, null, claims("a", "reader")))), "invalid token");
    String[] parts = hs256("alice", "reader").split("\\.");
    String promoted =
        Base64.getUrlEncoder().withoutPadding().encodeToString(claims("alice", "admin").build().toString().getBytes(StandardCharsets.UTF_8));
    assertUnauthorized(get(TRADES, bearer(parts[0] + "." + promoted + "." + parts[2])), "invalid token");
    assertUnauthorized(get(TRADES, "authorization", "Basic YWxpY2U6c2VjcmV0"), "Bearer");
    assertThat(gateway.upstreamCalls).hasValue(0);
    // within the clock skew the token is still good
    assertThat(get(TRADES, bearer(hs256(claims("a", "reader").expirationTime(Date.from(now.minusSeconds(10)))))).status().code())
        .isEqualTo(200);
  }

  @Test
  void grpcCallsWithoutValidCredentialsAreUnauthenticated() throws Exception {
    start();
    StorageServiceGrpc.StorageServiceBlockingStub anonymous =
        GrpcClients.builder(gateway.uri()).build(StorageServiceGrpc.StorageServiceBlockingStub.class);
    assertThatThrownBy(() -> anonymous.listTrades(ListTradesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).startsWith("credentials required");
            });
    assertThatThrownBy(() -> grpc("Bearer not-a-jwt").listTrades(ListTradesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("invalid token: not a JWT");
            });
  }

  @Test
  void apiKeysAreAcceptedUntilRevokedAndNewOnesAreReadFromTheFile() throws Exception {
    start();
    AggregatedHttpResponse viaHeader = get(TRADES, "x-api-key", API_KEY);
    assertThat(viaHeader.status().code()).isEqualTo(200);
    assertThat(json(viaHeader).path("nextPageToken").asText()).endsWith("by ci-bot;role=reader");
    assertThat(get(TRADES, bearer(API_KEY)).status().code()).isEqualTo(200);
    assertUnauthorized(get(TRADES, "x-api-key", "mpk_wrong"), "invalid API key");

    String added = "mpk_fedcba9876543210fedcba9876543210";
    writeApiKeys(Map.of("dashboard", added));
    assertUnauthorized(get(TRADES, "x-api-key", API_KEY), "revoked");
    AggregatedHttpResponse viaNewKey = get(TRADES, "x-api-key", added);
    assertThat(viaNewKey.status().code()).isEqualTo(200);
    assertThat(json(viaNewKey).path("nextPageToken").asText()).endsWith("by dashboard;role=reader");
  }

  @Test
  void openPathsNeedNoCredentials() throws Exception {
    start();
    assertThat(get("/healthz").status().code()).isEqualTo(200);
    assertThat(get("/healthz", bearer("garbage")).status().code()).isEqualTo(200);
  }

  @Test
  void anonymousAccessWhenEnabledActsAsItsRole() throws Exception {
    Path config = dir.resolve("anonymous.yaml");
    Files.writeString(config, "security: {anonymous: {enabled: true}}\n");
    EdgeSections sections = ConfigLoader.load(EdgeSections.class, config, Map.of());
    assertThat(sections.security().anonymous().enabled()).isTrue();
    gateway = new TestGateway(dir, "security: {anonymous: {enabled: true}}\n", clock);
    assertThat(json(get(TRADES)).path("nextPageToken").asText()).isEqualTo("call 1 by anonymous;role=reader");
    assertThat(json(post("/v1/trades:write", "{}")).path("message").asText())
        .isEqualTo("anonymous (role reader, anonymous) may not call marketprism.storage.v1.StorageService/WriteTrades");
    // credentials that are there must still be good
    assertThat(get(TRADES, bearer("garbage")).status().code()).isEqualTo(401);
  }

  // --- authorization ---

  @Test
  void rolesDecideWhichMethodsMayBeCalledAndTheDenialSaysWhoAndWhat() throws Exception {
    start();
    AggregatedHttpResponse denied = post("/v1/trades:write", "{}", bearer(hs256("alice", "reader")));
    assertThat(denied.status().code()).isEqualTo(403);
    assertThat(json(denied).path("code").asInt()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
    assertThat(json(denied).path("message").asText())
        .isEqualTo("alice (role reader, jwt) may not call marketprism.storage.v1.StorageService/WriteTrades");
    assertThat(post("/v1/trades:write", "{}", bearer(hs256("olga", "operator"))).status().code()).isEqualTo(200);
    assertThat(post("/v1/trades:write", "{}", "x-api-key", API_KEY).contentUtf8())
        .contains("ci-bot (role reader, api-key) may not call marketprism.storage.v1.StorageService/WriteTrades");

    assertThatThrownBy(() -> grpc(bearer(hs256("alice", "reader"))).writeTrades(WriteTradesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("alice (role reader, jwt) may not call marketprism.storage.v1.StorageService/WriteTrades");
            });
    assertThat(grpc(bearer(hs256("ada", "admin"))).writeTrades(WriteTradesRequest.getDefaultInstance()).getAccepted()).isZero();
  }

  // --- rate limits ---

  @Test
  void aCallerOverItsBucketGets429WithRetryAfterAndGrpcGetsRetryInfo() throws Exception {
    start("rate-limits: {per-role: {reader: {capacity: 2, period: 1m}}}");
    String token = bearer(hs256("alice", "reader"));
    assertThat(get(TRADES, token).status().code()).isEqualTo(200);
    assertThat(get(TRADES, token).status().code()).isEqualTo(200);
    AggregatedHttpResponse limited = get(TRADES, token);
    assertThat(limited.status().code()).isEqualTo(429);
    assertThat(Long.parseLong(limited.headers().get("retry-after"))).isBetween(1L, 30L);
    assertThat(limited.contentUtf8()).contains("rate limit exceeded for alice");
    // another reader has a bucket of its own
    assertThat(get(TRADES, bearer(hs256("bob", "reader"))).status().code()).isEqualTo(200);

    assertThatThrownBy(() -> grpc(token).listTrades(ListTradesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              RetryInfo retry = retryInfoOf(e);
              assertThat(retry.getRetryDelay().getSeconds()).isBetween(1L, 30L);
            });

    clock.advance(Duration.ofSeconds(31));
    assertThat(get(TRADES, token).status().code()).isEqualTo(200);
  }

  @Test
  void aRouteBucketIsSharedByEveryCaller() throws Exception {
    start("rate-limits: {per-route: {\"marketprism.storage.v1.StorageService/List*\": {capacity: 1, period: 1h}}}");
    assertThat(get(TRADES, bearer(hs256("alice", "reader"))).status().code()).isEqualTo(200);
    assertThat(get(TRADES, bearer(hs256("bob", "reader"))).status().code()).isEqualTo(429);
  }

  // --- response cache ---

  @Test
  void cachedReadsSkipUpstreamButNotAuthAndStayWithinTheirScope() throws Exception {
    start("cache: {routes: {\"/v1/trades/*/*\": 10s}}");
    AggregatedHttpResponse miss = get(TRADES, bearer(hs256("alice", "reader")));
    assertThat(miss.headers().get("cache-control")).isEqualTo("private, max-age=10");
    assertThat(miss.headers().get("age")).isEqualTo("0");
    clock.advance(Duration.ofSeconds(3));
    AggregatedHttpResponse hit = get(TRADES, bearer(hs256("bob", "reader")));
    assertThat(hit.contentUtf8()).isEqualTo(miss.contentUtf8());
    assertThat(hit.headers().get("age")).isEqualTo("3");
    assertThat(gateway.upstreamCalls).hasValue(1);

    assertThat(get(TRADES).status().code()).isEqualTo(401);
    AggregatedHttpResponse operator = get(TRADES, bearer(hs256("olga", "operator")));
    assertThat(json(operator).path("nextPageToken").asText()).isEqualTo("call 2 by olga;role=operator");
    assertThat(get("/v1/trades/binance/ETH-USDT", bearer(hs256("alice", "reader"))).status().code()).isEqualTo(200);
    assertThat(gateway.upstreamCalls).hasValue(3);

    RequestHeaders noCache =
        RequestHeaders.builder(HttpMethod.GET, TRADES).add("authorization", bearer(hs256("alice", "reader"))).add("cache-control", "no-cache").build();
    assertThat(client().execute(noCache).status().code()).isEqualTo(200);
    assertThat(gateway.upstreamCalls).hasValue(4);

    clock.advance(Duration.ofSeconds(11));
    get(TRADES, bearer(hs256("alice", "reader")));
    assertThat(gateway.upstreamCalls).hasValue(5);
    String metrics = scrape();
    assertThat(metrics).contains("marketprism_gateway_cache_lookups_total{result=\"hit\"} 1.0");
    assertThat(metrics).contains("marketprism_gateway_cache_lookups_total{result=\"miss\"} 4.0");
  }

  @Test
  void subjectScopedCacheKeepsCallersApart() throws Exception {
    start("cache: {scope: subject, routes: {\"/v1/trades/*/*\": 10s}}");
    get(TRADES, bearer(hs256("alice", "reader")));
    AggregatedHttpResponse bob = get(TRADES, bearer(hs256("bob", "reader")));
    assertThat(json(bob).path("nextPageToken").asText()).isEqualTo("call 2 by bob;role=reader");
    get(TRADES, bearer(hs256("alice", "reader")));
    assertThat(gateway.upstreamCalls).hasValue(2);
  }

  // --- CORS, limits, log, metrics ---

  @Test
  void corsPreflightFromAnAllowedOriginIsAnsweredWithoutCredentials() throws Exception {
    start();
    RequestHeaders preflight =
        RequestHeaders.builder(HttpMethod.OPTIONS, "/v1/trades/binance/BTC-USDT")
            .add("origin", "http://localhost:5173")
            .add("access-control-request-method", "GET")
            .add("access-control-request-headers", "authorization")
            .build();
    AggregatedHttpResponse response = client().execute(preflight);
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("access-control-allow-origin")).isEqualTo("http://localhost:5173");
    assertThat(response.headers().get("access-control-allow-headers")).contains("authorization");

    RequestHeaders foreign =
        RequestHeaders.builder(HttpMethod.OPTIONS, "/v1/trades/binance/BTC-USDT")
            .add("origin", "http://evil.example")
            .add("access-control-request-method", "GET")
            .build();
    assertThat(client().execute(foreign).headers().get("access-control-allow-origin")).isNull();
  }

  @Test
  void oversizedBodiesGet413AndOversizedHeadersGet431() throws Exception {
    start("limits: {max-request-bytes: 1024, max-header-bytes: 4096}");
    String body = "{\"trades\":[" + "{},".repeat(2000) + "{}]}";
    assertThat(post("/v1/trades:write", body, bearer(hs256("olga", "operator"))).status().code()).isEqualTo(413);
    // over HTTP/1.1: an HTTP/2 client refuses to send a header block larger than the server's advertised limit
    RequestHeaders huge = RequestHeaders.builder(HttpMethod.GET, TRADES).add("x-padding", "p".repeat(8192)).build();
    assertThat(WebClient.of("h1c://127.0.0.1:" + gateway.server.activeLocalPort()).blocking().execute(huge).status().code())
        .isEqualTo(431);
  }

  @Test
  void theAccessLogNamesTheCallerAndRouteButNeverTheToken() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    access.addAppender(events);
    try {
      start();
      String token = hs256("alice", "reader");
      assertThat(get(TRADES, bearer(token)).status().code()).isEqualTo(200);
      await().until(() -> !events.list.isEmpty());
      ILoggingEvent event = events.list.get(0);
      Map<String, Object> fields = new java.util.HashMap<>();
      event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, kv.value));
      assertThat(fields)
          .containsEntry("subject", "alice")
          .containsEntry("role", "reader")
          .containsEntry("credential", "jwt")
          .containsEntry("route", "marketprism.storage.v1.StorageService/ListTrades")
          .containsEntry("path", "/v1/trades/binance/BTC-USDT")
          .containsEntry("status", 200)
          .containsKeys("latency_ms", "request_bytes", "response_bytes", "trace_id");
      assertThat(fields.toString() + event.getFormattedMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
      assertThat(scrape())
          .contains(
              "marketprism_gateway_requests_total{route=\"marketprism.storage.v1.StorageService/ListTrades\",status=\"200\"} 1.0");
    } finally {
      access.detachAppender(events);
    }
  }

  @Test
  void configSectionsTakeTheLaunchersEnvironmentAndBoundTheClockSkew() throws Exception {
    EdgeSections sections =
        ConfigLoader.load(
            EdgeSections.class,
            null,
            Map.of(
                "MARKETPRISM_SECURITY_JWT_HS256_KEY_FILE", "/ws/gateway/jwt-hs256.key",
                "MARKETPRISM_SECURITY_JWT_ISSUER", "marketprism-local",
                "MARKETPRISM_SECURITY_JWT_AUDIENCES", "marketprism-gateway,other",
                "MARKETPRISM_SECURITY_API_KEYS_FILE", "/ws/gateway/api-keys.json"));
    assertThat(sections.security().jwt().hs256KeyFile()).isEqualTo("/ws/gateway/jwt-hs256.key");
    assertThat(sections.security().jwt().audiences()).containsExactly("marketprism-gateway", "other");
    assertThat(sections.security().apiKeys().file()).isEqualTo("/ws/gateway/api-keys.json");
    assertThatThrownBy(
            () -> ConfigLoader.load(EdgeSections.class, null, Map.of("MARKETPRISM_SECURITY_JWT_CLOCK_SKEW", "10m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.jwt.clock-skew");
  }

  // --- helpers ---

  private JWTClaimsSet.Builder claims(String subject, String role) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .claim("role", role)
        .issuer("marketprism-test")
        .audience("marketprism-gateway")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  private String hs256(String subject, String role) throws Exception {
    return hs256(claims(subject, role));
  }

  private String hs256(JWTClaimsSet.Builder claims) throws Exception {
    return signed(new MACSigner(hmacKey), JWSAlgorithm.HS256, null, claims);
  }

  private static String signed(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet.Builder claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build(), claims.build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private BlockingWebClient client() {
    return WebClient.of(gateway.uri()).blocking();
  }

  private AggregatedHttpResponse get(String path, String... header) {
    return client().execute(headers(HttpMethod.GET, path, header));
  }

  private AggregatedHttpResponse get(String path, String authorization) {
    return get(path, "authorization", authorization);
  }

  private AggregatedHttpResponse post(String path, String body, String authorization) {
    return post(path, body, "authorization", authorization);
  }

  private AggregatedHttpResponse post(String path, String body, String... header) {
    RequestHeaders headers = headers(HttpMethod.POST, path, header).toBuilder().contentType(MediaType.JSON_UTF_8).build();
    return client().execute(headers, body);
  }

  private static RequestHeaders headers(HttpMethod method, String path, String... header) {
    RequestHeadersBuilder builder = RequestHeaders.builder(method, path);
    for (int i = 0; i + 1 < header.length; i += 2) {
      builder.add(header[i], header[i + 1]);
    }
    return builder.build();
  }

  private StorageServiceGrpc.StorageServiceBlockingStub grpc(String authorization) {
    return GrpcClients.builder(gateway.uri())
        .addHeader("authorization", authorization)
        .build(StorageServiceGrpc.StorageServiceBlockingStub.class);
  }

  private static JsonNode json(AggregatedHttpResponse response) throws Exception {
    return JSON.readTree(response.contentUtf8());
  }

  private static void assertUnauthorized(AggregatedHttpResponse response, String why) throws Exception {
    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get("www-authenticate")).startsWith("Bearer realm=\"marketprism\"");
    assertThat(json(response).path("message").asText()).containsIgnoringCase(why);
  }

  private static RetryInfo retryInfoOf(StatusRuntimeException e) {
    try {
      for (com.google.protobuf.Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
        if (detail.is(RetryInfo.class)) {
          return detail.unpack(RetryInfo.class);
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
      throw new AssertionError(ex);
    }
    throw new AssertionError("no RetryInfo in " + e);
  }

  private String scrape() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, gateway.registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private void writeApiKeys(Map<String, String> keys) throws Exception {
    StringBuilder json = new StringBuilder("{\"keys\":[");
    String sep = "";
    for (Map.Entry<String, String> key : keys.entrySet()) {
      json.append(sep)
          .append("{\"name\":\"").append(key.getKey())
          .append("\",\"role\":\"reader\",\"sha256\":\"").append(ApiKeyStore.sha256(key.getValue())).append("\"}");
      sep = ",";
    }
    Files.writeString(apiKeys, json.append("]}").toString());
    // a rewrite within the file system's timestamp granularity must still look changed
    Files.setLastModifiedTime(apiKeys, FileTime.from(Instant.now().plusSeconds(keys.hashCode() % 1000)));
  }
}
