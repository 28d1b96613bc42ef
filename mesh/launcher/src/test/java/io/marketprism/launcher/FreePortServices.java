package io.marketprism.launcher;

import io.marketprism.supervisor.FreePorts;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code services:} block of a test's marketprism.yaml: every catalog service on free ports
 * (gRPC, metrics, health and its extra port), only {@code enabled} ones started, so that a test run
 * never meets a real MarketPrism on the default ports.
 */
final class FreePortServices {

  /** How many ports {@link #yaml} takes; allocate them with the test's others, so all differ. */
  static final int PORTS = 4 * ServiceCatalog.SERVICES.size();

  private FreePortServices() {}

  /** A whole marketprism.yaml: NATS, ClickHouse and the catalog on free ports, {@code enabled} services started. */
  static String config(List<String> enabled, Map<String, Map<String, String>> environment) {
    Iterator<Integer> ports = FreePorts.allocate(4 + PORTS).iterator();
    return "nats: {port: " + ports.next() + ", monitor-port: " + ports.next() + "}\n"
        + "clickhouse: {http-port: " + ports.next() + ", tcp-port: " + ports.next() + "}\n"
        + yaml(enabled, environment, ports);
  }

  /**
   * @param enabled the services to start
   * @param environment extra variables per service name
   * @param ports free ports, {@link #PORTS} of them taken
   */
  static String yaml(
      List<String> enabled, Map<String, Map<String, String>> environment, Iterator<Integer> ports) {
    StringBuilder yaml = new StringBuilder("services:\n");
    for (ServiceDefinition service : ServiceCatalog.SERVICES) {
      yaml.append("  ").append(service.name()).append(":\n");
      yaml.append("    enabled: ").append(enabled.contains(service.name())).append('\n');
      yaml.append("    grpc-port: ").append(ports.next()).append('\n');
      yaml.append("    metrics-port: ").append(ports.next()).append('\n');
      yaml.append("    health-port: ").append(ports.next()).append('\n');
      int extra = ports.next();
      service
          .extraPort()
          .ifPresent(port -> yaml.append("    " + port.configKey() + ": " + extra + "\n"));
      Map<String, String> variables = environment.getOrDefault(service.name(), Map.of());
      if (!variables.isEmpty()) {
        yaml.append("    environment:\n");
        variables.forEach((name, value) -> yaml.append("      " + name + ": " + value + "\n"));
      }
    }
    return yaml.toString();
  }
}
