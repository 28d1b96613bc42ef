package io.marketprism.controlplane.snapshot;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naming conventions that tie xDS resources, bootstraps and certificates together. Clients dial
 * {@code xds:///<service>}, so a service's client listener is named after the service.
 */
public final class MeshNames {

  /** The certificate provider instance (bootstrap {@code certificate_providers} key) a server's identity uses. */
  public static final String SERVER_CERT_PROVIDER = "server";
  /** The certificate provider instance a client's identity uses. */
  public static final String CLIENT_CERT_PROVIDER = "client";
  /** The node group of nodes that name no mesh service in {@code node.cluster} (tools, tests, gateways). */
  public static final String CLIENTS_GROUP = "_clients";
  /** What {@code XdsServerBuilder} asks for, with the template the kit's bootstraps set. */
  public static final String SERVER_LISTENER_PREFIX = "grpc/server?xds.resource.listening_address=";

  private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern LISTENING = Pattern.compile(Pattern.quote(SERVER_LISTENER_PREFIX) + "(.+):(\\d{1,5})");

  private MeshNames() {}

  public static boolean isServiceName(String name) {
    return SERVICE.matcher(name).matches();
  }

  /** What every mesh identity starts with: services' and operators'. */
  public static final String SPIFFE_PREFIX = "spiffe://marketprism/";
  /** What every operator identity ({@code marketprism pki issue}) starts with. */
  public static final String OPERATOR_PREFIX = SPIFFE_PREFIX + "operator/";

  public static String spiffeId(String service) {
    return SPIFFE_PREFIX + "service/" + service;
  }

  /** The identity of an operator certificate issued with {@code pki issue --name <name>}. */
  public static String operatorId(String name) {
    return OPERATOR_PREFIX + name;
  }

  public static String routeConfig(String service) {
    return service;
  }

  /** The cluster of every instance of {@code service}. */
  public static String cluster(String service) {
    return "outbound|" + service;
  }

  /** The cluster of the instances of {@code service} at {@code version}. */
  public static String versionCluster(String service, String version) {
    return "outbound|" + service + "|" + version;
  }

  public static String serverListener(int port) {
    return SERVER_LISTENER_PREFIX + "0.0.0.0:" + port;
  }

  /** A server listener name's address and port, if {@code name} is one. */
  public static Optional<HostPort> parseServerListener(String name) {
    Matcher m = LISTENING.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    int port = Integer.parseInt(m.group(2));
    return port > 65535 ? Optional.empty() : Optional.of(new HostPort(m.group(1), port));
  }

  public record HostPort(String host, int port) {}
}
