package io.marketprism.launcher;

import io.marketprism.launcher.ServiceDefinition.ExtraPort;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Every MarketPrism service, in start order (each depends only on those above it). */
public final class ServiceCatalog {

  /** The xDS control plane: first to start, outside the mesh it drives. */
  public static final String CONTROL_PLANE = "control-plane";

  /** The catalog; start order is top to bottom, stop order the reverse. */
  public static final List<ServiceDefinition> SERVICES =
      List.of(
          service(
              CONTROL_PLANE,
              "control-plane",
              "io.marketprism.controlplane.ControlPlaneMain",
              7100,
              new ExtraPort(
                  "admin-port",
                  "MARKETPRISM_ADMIN_PORT",
                  7190,
                  "admin HTTP",
                  Optional.of("admin"))),
          service(
              "config-center",
              "services/config-center",
              "io.marketprism.config.ConfigCenterMain",
              7107,
              null),
          service(
              "message-broker",
              "services/message-broker",
              "io.marketprism.broker.MessageBrokerMain",
              7103,
              null),
          service(
              "exchange-simulator",
              "services/exchange-simulator",
              "io.marketprism.simulator.ExchangeSimulatorMain",
              7108,
              new ExtraPort(
                  "feed-port",
                  "MARKETPRISM_FEED_PORT",
                  7208,
                  "feed (WebSocket/REST)",
                  Optional.empty())),
          service(
              "data-storage",
              "services/data-storage",
              "io.marketprism.storage.DataStorageMain",
              7102,
              null),
          service(
              "market-data-collector",
              "services/market-data-collector",
              "io.marketprism.collector.MarketDataCollectorMain",
              7101,
              null),
          service(
              "scheduler",
              "services/scheduler",
              "io.marketprism.scheduler.SchedulerMain",
              7105,
              null),
          service(
              "monitoring",
              "services/monitoring",
              "io.marketprism.monitoring.MonitoringMain",
              7106,
              null),
          service(
              "api-gateway",
              "services/api-gateway",
              "io.marketprism.gateway.ApiGatewayMain",
              7104,
              new ExtraPort(
                  "http-port", "MARKETPRISM_HTTP_PORT", 8080, "HTTP", Optional.of("http"))));

  /**
   * Services whose run-time settings (collector subscriptions, storage batch limits, gateway rate limits) come from
   * the config center while they run: {@code up} turns their {@code runtime-config} on when the config center runs.
   */
  public static final Set<String> RUNTIME_SETTINGS = Set.of("market-data-collector", "data-storage", "api-gateway");

  private ServiceCatalog() {}

  /** The service called {@code name}, if the catalog has one. */
  public static Optional<ServiceDefinition> find(String name) {
    return SERVICES.stream().filter(service -> service.name().equals(name)).findFirst();
  }

  /** The catalog's names in start order. */
  public static List<String> names() {
    return SERVICES.stream().map(ServiceDefinition::name).toList();
  }

  private static ServiceDefinition service(
      String name, String moduleDir, String mainClass, int grpcPort, ExtraPort extraPort) {
    return new ServiceDefinition(
        name,
        moduleDir,
        "marketprism-" + name,
        mainClass,
        grpcPort,
        Optional.ofNullable(extraPort));
  }
}
