package io.marketprism.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.subscription.SymbolResolver;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import java.io.IOException;
import java.util.List;

/** A {@link CollectorApi} over a given collector and instrument directory, served in process; closes all three. */
final class ApiHarness implements AutoCloseable {
  final CollectorServiceGrpc.CollectorServiceBlockingStub stub;
  private final Collector collector;
  private final InstrumentDirectory instruments;
  private final CollectorApi api;
  private final Server server;
  private final ManagedChannel channel;

  ApiHarness(Collector collector, InstrumentDirectory instruments) throws IOException {
    this.collector = collector;
    this.instruments = instruments;
    this.api = new CollectorApi(collector, instruments, new SymbolResolver(ExchangeRegistry.standard()), () -> false);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(api).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = CollectorServiceGrpc.newBlockingStub(channel);
  }

  /** The error {@code call} ends with; fails if it succeeds. */
  static StatusRuntimeException error(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  /** The single detail of type {@code type} in {@code error}'s google.rpc.Status. */
  static <T extends Message> T detail(StatusRuntimeException error, Class<T> type) {
    List<Any> details = StatusProto.fromThrowable(error).getDetailsList().stream().filter(any -> any.is(type)).toList();
    assertThat(details).as("%s details of %s", type.getSimpleName(), error).hasSize(1);
    try {
      return details.get(0).unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    api.close();
    instruments.close();
    collector.close();
  }
}
