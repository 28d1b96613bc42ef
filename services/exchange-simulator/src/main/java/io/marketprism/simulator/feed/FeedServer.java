package io.marketprism.simulator.feed;

import io.marketprism.simulator.fault.FaultInjector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The feed port: every exchange's WebSocket paths and REST routes, and the admin API, on one HTTP/1.1 listener.
 *
 * <pre>{@code
 * FeedServer feed = FeedServer.builder()
 *     .bind("127.0.0.1", 7208)
 *     .webSocket(new BinanceEndpoint(...))
 *     .http(new AdminEndpoint(...))
 *     .start();
 * }</pre>
 *
 * <p>Thread-safe once started; {@link #close} stops accepting, closes every connection and waits for the event
 * loops to finish.
 */
public final class FeedServer implements AutoCloseable {

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final ConnectionRegistry connections;
  private final AtomicLong framesSent;

  private FeedServer(Builder builder) throws InterruptedException {
    this.connections = builder.connections;
    this.framesSent = new AtomicLong();
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(builder.ioThreads, NioIoHandler.newFactory());
    List<WebSocketEndpoint> webSockets = List.copyOf(builder.webSockets);
    List<HttpEndpoint> http = List.copyOf(builder.http);
    FaultInjector faults = builder.faults;
    long maxPendingBytes = builder.maxPendingBytes;
    try {
      this.listener =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(builder.maxPendingBytes / 4, builder.maxPendingBytes / 2))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(FeedHttpHandler.MAX_FRAME_BYTES))
                          .addLast(new FeedHttpHandler(webSockets, http, connections, faults, framesSent, maxPendingBytes));
                    }
                  })
              .bind(builder.host, builder.port)
              .sync()
              .channel();
    } catch (RuntimeException | InterruptedException e) {
      shutdownGroups();
      throw e;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound address, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The open client WebSockets. */
  public ConnectionRegistry connections() {
    return connections;
  }

  /** WebSocket frames written since start, every connection together. */
  public long framesSent() {
    return framesSent.get();
  }

  @Override
  public void close() throws InterruptedException {
    listener.close().sync();
    shutdownGroups();
  }

  private void shutdownGroups() throws InterruptedException {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    boss.terminationFuture().await(5, TimeUnit.SECONDS);
    workers.terminationFuture().await(5, TimeUnit.SECONDS);
  }

  /** Options of a {@link FeedServer}; {@link #start} binds it. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int maxPendingBytes = 16 << 20;
    private final List<WebSocketEndpoint> webSockets = new ArrayList<>();
    private final List<HttpEndpoint> http = new ArrayList<>();
    private ConnectionRegistry connections = new ConnectionRegistry();
    private FaultInjector faults = new FaultInjector(io.marketprism.simulator.fault.FaultSettings.NONE);

    private Builder() {}

    /** Where to listen; port 0 picks a free one. */
    public Builder bind(String host, int port) {
      this.host = Objects.requireNonNull(host);
      this.port = port;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /** Unsent bytes a client may fall behind by before it is disconnected as too slow. */
    public Builder maxPendingBytes(int maxPendingBytes) {
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    public Builder webSocket(WebSocketEndpoint endpoint) {
      webSockets.add(endpoint);
      return this;
    }

    public Builder http(HttpEndpoint endpoint) {
      http.add(endpoint);
      return this;
    }

    public Builder connections(ConnectionRegistry connections) {
      this.connections = Objects.requireNonNull(connections);
      return this;
    }

    public Builder faults(FaultInjector faults) {
      this.faults = Objects.requireNonNull(faults);
      return this;
    }

    public FeedServer start() throws InterruptedException {
      return new FeedServer(this);
    }
  }
}
