package io.marketprism.controlplane.snapshot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.marketprism.controlplane.policy.ServicePolicy;

/**
 * The listener an xDS-managed server ({@code XdsServerBuilder}) asks for: bound to {@code 0.0.0.0:<port>} (gRPC
 * requires exactly that address), one filter chain whose HTTP connection manager has an inline route with
 * {@code non_forwarding_action}, the RBAC filter when the service's policy has rules, and a TLS context for STRICT
 * (client certificate required) and PERMISSIVE (client certificate optional). Stateless.
 */
final class ServerListeners {

  static final String RBAC_FILTER = "envoy.filters.http.rbac";

  private ServerListeners() {}

  static Listener listener(String name, MeshNames.HostPort address, String service, ServicePolicy policy) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("inbound_" + service)
        .setRouteConfig(RouteConfiguration.newBuilder()
            .setName("inbound|" + service)
            .addVirtualHosts(VirtualHost.newBuilder()
                .setName("inbound|" + service)
                .addDomains("*")
                .addRoutes(Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPrefix(""))
                    .setNonForwardingAction(NonForwardingAction.getDefaultInstance()))));
    policy.rbac().ifPresent(rbac -> hcm.addHttpFilters(HttpFilter.newBuilder()
        .setName(RBAC_FILTER)
        .setTypedConfig(Any.pack(rbacFilter(rbac)))));
    hcm.addHttpFilters(ClientResources.router());
    FilterChain.Builder chain = FilterChain.newBuilder()
        .setName("inbound|" + service)
        .addFilters(Filter.newBuilder()
            .setName(ClientResources.HCM_FILTER)
            .setTypedConfig(Any.pack(hcm.build())));
    if (policy.mtlsMode() != ServicePolicy.MtlsMode.DISABLE) {
      chain.setTransportSocket(TransportSocket.newBuilder()
          .setName(ClientResources.TLS_SOCKET)
          .setTypedConfig(Any.pack(downstreamTls(policy.mtlsMode() == ServicePolicy.MtlsMode.STRICT))));
    }
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
            .setAddress(address.host())
            .setPortValue(address.port())
            .setProtocol(SocketAddress.Protocol.TCP)))
        .addFilterChains(chain)
        .build();
  }

  private static DownstreamTlsContext downstreamTls(boolean requireClientCertificate) {
    return DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName(MeshNames.SERVER_CERT_PROVIDER))
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                    .setInstanceName(MeshNames.SERVER_CERT_PROVIDER))))
        .setRequireClientCertificate(BoolValue.of(requireClientCertificate))
        .build();
  }

  /** ALLOW rules: one policy per rule, matching the caller's SPIFFE id and the method paths. */
  static io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbacFilter(ServicePolicy.Rbac rbac) {
    RBAC.Builder rules = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
    int index = 0;
    for (ServicePolicy.RbacRule rule : rbac.allow()) {
      Policy.Builder policy = Policy.newBuilder();
      policy.addPrincipals(Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder()
          .setPrincipalName(caller(rule.from()))));
      for (String method : rule.methods()) {
        policy.addPermissions(method.equals("*")
            ? Permission.newBuilder().setAny(true).build()
            : Permission.newBuilder().setUrlPath(PathMatcher.newBuilder().setPath(method.endsWith("/*")
                ? StringMatcher.newBuilder().setPrefix(method.substring(0, method.length() - 1))
                : StringMatcher.newBuilder().setExact(method))).build());
      }
      rules.putPolicies("rule-" + index++ + "-" + rule.from().replace('*', '_').replace('/', '.'), policy.build());
    }
    return io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setRules(rules).build();
  }

  /**
   * The SPIFFE ids a rule's {@code from} admits. Every matcher starts with {@code spiffe://}, so the extra DNS and IP
   * names of local workload certificates ({@code localhost}, {@code 127.0.0.1}) can never match one.
   */
  static StringMatcher caller(String from) {
    if (from.equals("*")) {
      return StringMatcher.newBuilder().setPrefix(MeshNames.SPIFFE_PREFIX).build();
    }
    if (from.equals("operator/*")) {
      return StringMatcher.newBuilder().setPrefix(MeshNames.OPERATOR_PREFIX).build();
    }
    if (from.startsWith("operator/")) {
      return StringMatcher.newBuilder().setExact(MeshNames.operatorId(from.substring("operator/".length()))).build();
    }
    return StringMatcher.newBuilder().setExact(MeshNames.spiffeId(from)).build();
  }
}
