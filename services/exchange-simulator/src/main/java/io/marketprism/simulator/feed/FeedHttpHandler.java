package io.marketprism.simulator.feed;

import io.marketprism.simulator.fault.FaultInjector;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection: routes plain HTTP requests to an {@link HttpEndpoint} and WebSocket
 * upgrades to a {@link WebSocketEndpoint}, after which the connection belongs to a {@link WebSocketFrameHandler}.
 */
final class FeedHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(FeedHttpHandler.class);
  static final int MAX_FRAME_BYTES = 1 << 16;

  private final List<WebSocketEndpoint> webSockets;
  private final List<HttpEndpoint> http;
  private final ConnectionRegistry registry;
  private final FaultInjector faults;
  private final AtomicLong framesSent;
  private final long maxPendingBytes;

  FeedHttpHandler(
      List<WebSocketEndpoint> webSockets,
      List<HttpEndpoint> http,
      ConnectionRegistry registry,
      FaultInjector faults,
      AtomicLong framesSent,
      long maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
    this.webSockets = webSockets;
    this.http = http;
    this.registry = registry;
    this.faults = faults;
    this.framesSent = framesSent;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    if (!request.decoderResult().isSuccess()) {
      reply(ctx, request, HttpReply.error(400, "bad request"));
    } else if (request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      upgrade(ctx, request, uri);
    } else {
      HttpEndpoint endpoint = http.stream().filter(e -> e.handles(uri.path())).findFirst().orElse(null);
      HttpReply answer;
      if (endpoint == null) {
        answer = HttpReply.error(404, "no such endpoint: " + uri.path());
      } else {
        try {
          answer = endpoint.handle(request, uri);
        } catch (RuntimeException e) {
          log.error("{} {} failed", request.method(), request.uri(), e);
          answer = HttpReply.error(500, "internal error: " + e);
        }
      }
      reply(ctx, request, answer);
    }
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    WebSocketEndpoint endpoint = webSockets.stream().filter(e -> e.handles(uri.path())).findFirst().orElse(null);
    if (endpoint == null) {
      reply(ctx, request, HttpReply.error(404, "no WebSocket endpoint at " + uri.path()));
      return;
    }
    String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(location, null, true, MAX_FRAME_BYTES).newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    WebSocketConnection connection = new WebSocketConnection(ctx.channel(), endpoint.exchange(), faults, framesSent, maxPendingBytes);
    WebSocketFrameHandler frames = new WebSocketFrameHandler(handshaker, connection, registry);
    ChannelPipeline pipeline = ctx.pipeline();
    endpoint
        .idleTimeout()
        .ifPresent(idle -> pipeline.addLast(new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS)));
    pipeline.addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES));
    pipeline.addLast(frames);
    pipeline.remove(this);
    handshaker
        .handshake(ctx.channel(), request)
        .addListener(
            done -> {
              if (!done.isSuccess()) {
                ctx.channel().close();
                return;
              }
              registry.add(connection);
              try {
                frames.session(endpoint.open(connection, uri));
              } catch (IllegalArgumentException e) {
                ctx.channel()
                    .writeAndFlush(new CloseWebSocketFrame(1008, e.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
              }
            });
  }

  private static void reply(ChannelHandlerContext ctx, FullHttpRequest request, HttpReply answer) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            request.protocolVersion(),
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.copiedBuffer(answer.json(), StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
