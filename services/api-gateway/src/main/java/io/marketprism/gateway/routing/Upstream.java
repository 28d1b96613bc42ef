package io.marketprism.gateway.routing;

import io.grpc.ServiceDescriptor;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.util.List;

/**
 * A gRPC service the gateway fronts, and the mesh service that serves it ({@code xds:///<service>}).
 *
 * @param service the mesh service name, e.g. {@code data-storage}
 * @param grpc the generated descriptor, whose methods carry the {@code google.api.http} rules
 */
public record Upstream(String service, ServiceDescriptor grpc) {

  /** Every user-facing contract in {@code proto/}, by the service that serves it. */
  public static final List<Upstream> ALL =
      List.of(
          new Upstream("data-storage", StorageServiceGrpc.getServiceDescriptor()),
          new Upstream("market-data-collector", CollectorServiceGrpc.getServiceDescriptor()),
          new Upstream("message-broker", BrokerServiceGrpc.getServiceDescriptor()),
          new Upstream("scheduler", SchedulerServiceGrpc.getServiceDescriptor()),
          new Upstream("monitoring", MonitoringServiceGrpc.getServiceDescriptor()),
          new Upstream("config-center", ConfigServiceGrpc.getServiceDescriptor()),
          new Upstream("control-plane", RegistryServiceGrpc.getServiceDescriptor()));

  /** The protobuf descriptor of the service, for routes that read its HTTP rules or message types. */
  public com.google.protobuf.Descriptors.ServiceDescriptor protoDescriptor() {
    return ((io.grpc.protobuf.ProtoServiceDescriptorSupplier) grpc.getSchemaDescriptor()).getServiceDescriptor();
  }
}
