package io.marketprism.simulator.feed;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a client's frames after the upgrade and hands text to its {@link ProtocolSession}. One per connection. */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final WebSocketServerHandshaker handshaker;
  private final WebSocketConnection connection;
  private final ConnectionRegistry registry;
  private ProtocolSession session;

  WebSocketFrameHandler(WebSocketServerHandshaker handshaker, WebSocketConnection connection, ConnectionRegistry registry) {
    this.handshaker = handshaker;
    this.connection = connection;
    this.registry = registry;
  }

  void session(ProtocolSession session) {
    this.session = session;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame text) {
      if (session != null) {
        try {
          session.onText(text.text());
        } catch (RuntimeException e) {
          // a bug in one protocol handler must not take the connection down with it
          log.error("{} connection {} failed on frame {}", connection.exchange(), connection.id(), text.text(), e);
        }
      }
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      handshaker.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
    }
    // pongs and binary frames carry nothing the exchanges act on
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      log.info("{} connection {} idle too long: closing it, as the exchange does", connection.exchange(), connection.id());
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    registry.remove(connection);
    connection.releaseQueued();
    if (session != null) {
      session.onClose();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{} connection {} failed: {}", connection.exchange(), connection.id(), cause.toString());
    ctx.close();
  }
}
