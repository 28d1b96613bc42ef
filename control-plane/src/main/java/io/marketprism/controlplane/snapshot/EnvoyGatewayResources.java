package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RemoteJwks;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What an edge gateway Envoy gets (node group {@code gateway|<name>}): listener {@value #LISTENER} on
 * {@code 0.0.0.0:<gateway port>} (REST/JSON over HTTP/1.1, gRPC over HTTP/2, gRPC-Web, on one port) whose HTTP
 * filters are, in order: CORS (answers preflights before anything asks for a token), JWT authentication (every request
 * needs a token of the configured provider), local rate limit, gRPC-Web, the gRPC-JSON transcoder (descriptor set from
 * {@code proto/}, matched on the incoming {@code /v1/...} path) and the router; route configuration
 * {@value #ROUTES}: each exposed service's {@code google.api.http} prefixes and its gRPC path prefix, with the
 * service's own routes (header routes, version splits, retries, timeout) copied from what gRPC clients get; the
 * services' clusters and endpoints as {@link EnvoyClusters} adapts them; a JWKS cluster when the keys are fetched;
 * the SDS secrets. Stateless.
 */
final class EnvoyGatewayResources {

  static final String LISTENER = "edge-http";
  static final String ROUTES = "edge";
  static final String JWT_PROVIDER = "marketprism";
  static final String JWKS_CLUSTER = "jwks";
  static final String CORS_FILTER = "envoy.filters.http.cors";
  static final String JWT_FILTER = "envoy.filters.http.jwt_authn";
  static final String RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";
  static final String GRPC_WEB_FILTER = "envoy.filters.http.grpc_web";
  static final String TRANSCODER_FILTER = "envoy.filters.http.grpc_json_transcoder";

  private EnvoyGatewayResources() {}

  /**
   * @throws IllegalArgumentException if a routed gRPC service is missing from the descriptor set, or two services
   *     claim one path prefix
   */
  static MeshSnapshot build(
      Map<String, ClientResources> clients, EnvoySettings.Gateway gateway, String certDir, ApiDescriptors api) {
    Map<String, String> prefixes = prefixes(gateway.routes(), api);
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    Set<String> routed = new LinkedHashSet<>(gateway.routes().values());
    for (String service : routed) {
      ClientResources target = clients.get(service);
      if (target != null) {
        target.clusters.forEach(c -> clusters.add(EnvoyClusters.forEnvoy(c, service)));
        endpoints.addAll(target.endpoints);
      }
    }
    gateway.jwt().jwksUri().ifPresent(uri -> clusters.add(jwksCluster(URI.create(uri))));
    RouteConfiguration routes = withCors(routes(prefixes, clients), gateway.corsOrigins());
    Listener listener = listener(gateway, api);
    return new MeshSnapshot(List.of(listener), List.of(routes), clusters, endpoints, EnvoyTls.secrets(certDir));
  }

  /** Route prefix → mesh service: the {@code google.api.http} prefixes and {@code /<grpc service>/}. */
  static Map<String, String> prefixes(Map<String, String> routes, ApiDescriptors api) {
    Map<String, String> prefixes = new TreeMap<>();
    routes.forEach((grpcService, meshService) -> {
      if (!api.services().contains(grpcService)) {
        throw new IllegalArgumentException("envoy.gateway.routes: gRPC service " + grpcService
            + " is not in the descriptor set " + ApiDescriptors.RESOURCE);
      }
      claim(prefixes, "/" + grpcService + "/", meshService);
      api.httpPaths(grpcService).forEach(path -> claim(prefixes, ApiDescriptors.routePrefix(path), meshService));
    });
    return prefixes;
  }

  private static void claim(Map<String, String> prefixes, String prefix, String service) {
    String previous = prefixes.putIfAbsent(prefix, service);
    if (previous != null && !previous.equals(service)) {
      throw new IllegalArgumentException("envoy.gateway.routes: path prefix " + prefix + " belongs to both "
          + previous + " and " + service);
    }
  }

  private static Listener listener(EnvoySettings.Gateway gateway, ApiDescriptors api) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("edge")
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(ClientResources.ads()).setRouteConfigName(ROUTES))
        .addHttpFilters(filter(CORS_FILTER, Cors.getDefaultInstance()))
        .addHttpFilters(filter(JWT_FILTER, jwt(gateway.jwt())))
        .addHttpFilters(filter(RATE_LIMIT_FILTER, rateLimit(gateway.rateLimit())))
        .addHttpFilters(filter(GRPC_WEB_FILTER, GrpcWeb.getDefaultInstance()))
        .addHttpFilters(filter(TRANSCODER_FILTER, transcoder(gateway.routes().keySet(), api)))
        .addHttpFilters(ClientResources.router())
        .build();
    return Listener.newBuilder()
        .setName(LISTENER)
        .setAddress(EnvoyClusters.address("0.0.0.0", gateway.port()))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName(ClientResources.HCM_FILTER)
            .setTypedConfig(Any.pack(hcm))))
        .build();
  }

  private static HttpFilter filter(String name, com.google.protobuf.Message config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  private static JwtAuthentication jwt(EnvoySettings.Jwt jwt) {
    JwtProvider.Builder provider = JwtProvider.newBuilder()
        .setIssuer(jwt.issuer())
        .addAllAudiences(jwt.audiences())
        // services read the caller's claims (roles) from the token itself
        .setForward(true);
    jwt.jwksUri().ifPresentOrElse(
        uri -> provider.setRemoteJwks(RemoteJwks.newBuilder()
            .setHttpUri(HttpUri.newBuilder()
                .setUri(uri)
                .setCluster(JWKS_CLUSTER)
                .setTimeout(ClientResources.duration(Duration.ofSeconds(5))))
            .setCacheDuration(ClientResources.duration(jwt.jwksCacheDuration()))),
        () -> provider.setLocalJwks(DataSource.newBuilder().setFilename(jwt.jwksFile())));
    return JwtAuthentication.newBuilder()
        .putProviders(JWT_PROVIDER, provider.build())
        .addRules(RequirementRule.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRequires(JwtRequirement.newBuilder().setProviderName(JWT_PROVIDER)))
        .build();
  }

  private static LocalRateLimit rateLimit(EnvoySettings.RateLimit limit) {
    RuntimeFractionalPercent always = RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder()
            .setNumerator(100)
            .setDenominator(FractionalPercent.DenominatorType.HUNDRED))
        .setRuntimeKey("edge_rate_limit_enabled")
        .build();
    return LocalRateLimit.newBuilder()
        .setStatPrefix("edge_rate_limit")
        .setTokenBucket(TokenBucket.newBuilder()
            .setMaxTokens(limit.maxTokens())
            .setTokensPerFill(UInt32Value.of(limit.tokensPerFill()))
            .setFillInterval(ClientResources.duration(limit.fillInterval())))
        .setFilterEnabled(always)
        .setFilterEnforced(always.toBuilder().setRuntimeKey("edge_rate_limit_enforced"))
        .build();
  }

  private static GrpcJsonTranscoder transcoder(Set<String> services, ApiDescriptors api) {
    return GrpcJsonTranscoder.newBuilder()
        .setProtoDescriptorBin(api.transcoderBytes())
        .addAllServices(services)
        // routes are written against the REST paths users call, not the gRPC methods they become
        .setMatchIncomingRequestRoute(true)
        // a failed call answers with its google.rpc.Status (BadRequest field violations included) as JSON
        .setConvertGrpcStatus(true)
        .setPrintOptions(GrpcJsonTranscoder.PrintOptions.newBuilder().setAlwaysPrintPrimitiveFields(true))
        .build();
  }

  private static RouteConfiguration routes(Map<String, String> prefixes, Map<String, ClientResources> clients) {
    VirtualHost.Builder host = VirtualHost.newBuilder()
        .setName(ROUTES)
        .addDomains("*");
    List<Map.Entry<String, String>> ordered = new ArrayList<>(prefixes.entrySet());
    // the longest prefix first, so that a more specific path is never shadowed
    ordered.sort(Comparator.comparing((Map.Entry<String, String> e) -> -e.getKey().length())
        .thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, String> e : ordered) {
      ClientResources target = clients.get(e.getValue());
      if (target == null) {
        continue;
      }
      for (VirtualHost grpcHost : target.routes.getVirtualHostsList()) {
        for (Route grpcRoute : grpcHost.getRoutesList()) {
          Route.Builder route = grpcRoute.toBuilder();
          route.getMatchBuilder().setPrefix(e.getKey());
          EnvoySidecarResources.noDefaultTimeout(route);
          host.addRoutes(route);
        }
      }
    }
    return RouteConfiguration.newBuilder().setName(ROUTES).addVirtualHosts(host).build();
  }

  /** CORS for the whole gateway, per virtual host as Envoy v3 wants it. */
  static RouteConfiguration withCors(RouteConfiguration routes, List<String> origins) {
    CorsPolicy.Builder cors = CorsPolicy.newBuilder()
        .setAllowMethods("GET, POST, PUT, PATCH, DELETE, OPTIONS")
        .setAllowHeaders("authorization, content-type, x-grpc-web, x-user-agent, grpc-timeout")
        .setExposeHeaders("grpc-status, grpc-message, grpc-status-details-bin")
        .setMaxAge("86400");
    origins.forEach(o -> cors.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(o)));
    RouteConfiguration.Builder out = routes.toBuilder();
    out.getVirtualHostsBuilderList().forEach(h -> h.putTypedPerFilterConfig(CORS_FILTER, Any.pack(cors.build())));
    return out.build();
  }

  private static Cluster jwksCluster(URI uri) {
    boolean https = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    Cluster.Builder cluster =
        EnvoyClusters.oneAddress(JWKS_CLUSTER, Cluster.DiscoveryType.LOGICAL_DNS, uri.getHost(), port);
    if (https) {
      cluster.setTransportSocket(TransportSocket.newBuilder()
          .setName(ClientResources.TLS_SOCKET)
          .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder()
              .setSni(uri.getHost())
              .setCommonTlsContext(CommonTlsContext.newBuilder()
                  .setValidationContext(CertificateValidationContext.newBuilder()
                      // the public roots of the Envoy image, not the mesh CA: the JWKS host is outside the mesh
                      .setTrustedCa(DataSource.newBuilder().setFilename("/etc/ssl/certs/ca-certificates.crt"))
                      .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                          .setSanType(SubjectAltNameMatcher.SanType.DNS)
                          .setMatcher(StringMatcher.newBuilder().setExact(uri.getHost())))))
              .build())));
    }
    return cluster.build();
  }
}
