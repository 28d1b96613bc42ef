package io.marketprism.kit.client;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's channels to other services: one per service, created on first use, traced, closed with the service.
 *
 * <pre>{@code
 * var storage = StorageServiceGrpc.newBlockingStub(ctx.channels().forService("data-storage"));
 * }</pre>
 *
 * <p>Thread-safe: channels live in a concurrent map; {@link #close()} is called once, by the kit, after the server
 * has stopped.
 */
public final class Channels implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Channels.class);

  private final ChannelFactory factory;
  private final ClientInterceptor tracing;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public Channels(ChannelFactory factory, ClientInterceptor tracing) {
    this.factory = factory;
    this.tracing = tracing;
  }

  /**
   * The channel to {@code serviceName} ({@code "data-storage"}), with the client tracing interceptor; build stubs on
   * it. The same underlying channel is returned for every call with the same name.
   *
   * @throws IllegalArgumentException if the service cannot be reached (no {@code peers} entry)
   */
  public Channel forService(String serviceName) {
    return ClientInterceptors.intercept(channels.computeIfAbsent(serviceName, factory::create), tracing);
  }

  /** Shuts every channel down, waiting briefly for calls still running. */
  @Override
  public void close() throws InterruptedException {
    List<ManagedChannel> open = new ArrayList<>(channels.values());
    open.forEach(ManagedChannel::shutdown);
    for (ManagedChannel channel : open) {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("channel {} did not terminate in 5s; cancelling its calls", channel);
        channel.shutdownNow();
      }
    }
    channels.clear();
  }
}
