package io.marketprism.collector.connection;

import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in exchange for connection tests: a Netty WebSocket server on a free local port that records
 * what clients send and pushes frames on command, plus a JDK HTTP server answering REST snapshot requests.
 */
final class FakeExchangeServer implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> restRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger pongs = new AtomicInteger();
  private final AtomicReference<String> restBody = new AtomicReference<>("{}");
  private final Channel server;
  private final HttpServer rest;

  FakeExchangeServer() throws IOException, InterruptedException {
    server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline()
                .addLast(new HttpServerCodec())
                .addLast(new HttpObjectAggregator(65536))
                .addLast(new ChannelOutboundHandlerAdapter() {
                  // The protocol handler below answers pings itself; its pongs pass here on their way out.
                  @Override
                  public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
                    if (message instanceof PongWebSocketFrame) {
                      pongs.incrementAndGet();
                    }
                    super.write(ctx, message, promise);
                  }
                })
                .addLast(new WebSocketServerProtocolHandler("/ws"))
                .addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    received.add(frame.text());
                  }

                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                      clients.add(ctx.channel());
                      handshakes.incrementAndGet();
                    }
                    super.userEventTriggered(ctx, event);
                  }
                });
          }
        })
        .bind("127.0.0.1", 0)
        .sync()
        .channel();
    rest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    rest.createContext("/", exchange -> {
      restRequests.add(exchange.getRequestURI().toString());
      byte[] body = restBody.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    rest.start();
  }

  URI webSocketUri() {
    return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws");
  }

  URI restUri() {
    return URI.create("http://127.0.0.1:" + rest.getAddress().getPort());
  }

  /** Text messages clients sent, in arrival order. */
  List<String> received() {
    return received;
  }

  List<String> restRequests() {
    return restRequests;
  }

  /** Completed WebSocket handshakes so far. */
  int handshakes() {
    return handshakes.get();
  }

  /** Pongs sent, one per WebSocket ping a client sent. */
  int pongs() {
    return pongs.get();
  }

  int openConnections() {
    return clients.size();
  }

  /** What REST requests are answered with from now on. */
  void answerRestWith(String body) {
    restBody.set(body);
  }

  /** Pushes a text frame to every connected client. */
  void push(String text) {
    clients.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
  }

  /** Cuts every client connection without a close handshake, as a network failure would. */
  void dropConnections() {
    clients.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    rest.stop(0);
    clients.close().syncUninterruptibly();
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
