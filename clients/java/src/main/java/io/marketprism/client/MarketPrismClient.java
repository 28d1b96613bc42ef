package io.marketprism.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.scheduler.v1.SchedulerServiceGrpc;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One connection to MarketPrism and a stub for each of its services.
 *
 * <pre>{@code
 * try (MarketPrismClient client = MarketPrismClient.builder("127.0.0.1:7102").plaintext().build()) {
 *   ListTradesResponse page = client.storage().listTrades(ListTradesRequest.newBuilder()
 *       .setExchange("binance").setSymbol("BTC-USDT").setLimit(100).build());
 * }
 * }</pre>
 *
 * <p>The target is any gRPC target string: a {@code host:port} of one service (each service serves only its own
 * API), the gateway once it routes every API, or {@code xds:///<service>} inside the mesh. Every call without a deadline
 * of its own gets the client's default deadline, so a caller never waits forever on a stuck server.
 *
 * <p>Thread-safe: share one client; stubs are cheap views on its channel.
 */
public final class MarketPrismClient implements AutoCloseable {

  /** Null when the caller owns the channel ({@link #wrap}). */
  private final ManagedChannel managedChannel;

  private final Channel channel;

  private MarketPrismClient(ManagedChannel managedChannel, Channel channel, Duration defaultDeadline) {
    this.managedChannel = managedChannel;
    this.channel = ClientInterceptors.intercept(channel, new DefaultDeadline(defaultDeadline));
  }

  /** A builder for a client of {@code target}, e.g. {@code "127.0.0.1:7102"}. */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /** Wraps a channel the caller owns (in-process in tests, or one with custom interceptors); close does not shut it. */
  public static MarketPrismClient wrap(Channel channel, Duration defaultDeadline) {
    return new MarketPrismClient(null, Objects.requireNonNull(channel, "channel"), Builder.checked(defaultDeadline));
  }

  /** The channel every stub uses, with the default deadline applied; for stubs of your own. */
  public Channel channel() {
    return channel;
  }

  public StorageServiceGrpc.StorageServiceBlockingStub storage() {
    return StorageServiceGrpc.newBlockingStub(channel);
  }

  public CollectorServiceGrpc.CollectorServiceBlockingStub collector() {
    return CollectorServiceGrpc.newBlockingStub(channel);
  }

  public BrokerServiceGrpc.BrokerServiceBlockingStub broker() {
    return BrokerServiceGrpc.newBlockingStub(channel);
  }

  public SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler() {
    return SchedulerServiceGrpc.newBlockingStub(channel);
  }

  public MonitoringServiceGrpc.MonitoringServiceBlockingStub monitoring() {
    return MonitoringServiceGrpc.newBlockingStub(channel);
  }

  public ConfigServiceGrpc.ConfigServiceBlockingStub config() {
    return ConfigServiceGrpc.newBlockingStub(channel);
  }

  public RegistryServiceGrpc.RegistryServiceBlockingStub registry() {
    return RegistryServiceGrpc.newBlockingStub(channel);
  }

  /** An async stub of any service, for streaming calls: {@code client.async(StorageServiceGrpc::newStub)}. */
  public <S> S async(Function<Channel, S> newStub) {
    return newStub.apply(channel);
  }

  /** Closes the connection, waiting up to five seconds for calls in flight. */
  @Override
  public void close() throws InterruptedException {
    if (managedChannel == null) {
      return;
    }
    managedChannel.shutdown();
    if (!managedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
      managedChannel.shutdownNow();
    }
  }

  /** Options of a {@link MarketPrismClient}. */
  public static final class Builder {

    private final String target;
    private ChannelCredentials credentials;
    private Duration defaultDeadline = Duration.ofSeconds(30);

    private Builder(String target) {
      if (target == null || target.isBlank()) {
        throw new IllegalArgumentException("target must be a gRPC target such as 127.0.0.1:7102");
      }
      this.target = target;
    }

    /** No TLS: for a local {@code ./marketprism up} without the mesh. */
    public Builder plaintext() {
      credentials = InsecureChannelCredentials.create();
      return this;
    }

    /**
     * Mutual TLS with a certificate from the mesh CA ({@code ./marketprism pki issue}): trusts {@code caCert} and
     * presents {@code cert}/{@code key} (PEM files).
     */
    public Builder mutualTls(File caCert, File cert, File key) {
      try {
        credentials = TlsChannelCredentials.newBuilder().trustManager(caCert).keyManager(cert, key).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read TLS files: " + e.getMessage(), e);
      }
      return this;
    }

    /** The deadline of calls that set none (default 30 s); must be positive. */
    public Builder defaultDeadline(Duration deadline) {
      this.defaultDeadline = checked(deadline);
      return this;
    }

    private static Duration checked(Duration deadline) {
      if (deadline == null || deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("default deadline must be positive, was " + deadline);
      }
      return deadline;
    }

    public MarketPrismClient build() {
      if (credentials == null) {
        throw new IllegalStateException("choose plaintext() or mutualTls(...): the client never guesses security");
      }
      ManagedChannel managed = Grpc.newChannelBuilder(target, credentials).build();
      return new MarketPrismClient(managed, managed, defaultDeadline);
    }
  }

  /** Gives calls without a deadline the client's default one. */
  private static final class DefaultDeadline implements ClientInterceptor {

    private final Duration deadline;

    DefaultDeadline(Duration deadline) {
      this.deadline = deadline;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      CallOptions withDeadline =
          options.getDeadline() == null ? options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS) : options;
      return next.newCall(method, withDeadline);
    }
  }
}
