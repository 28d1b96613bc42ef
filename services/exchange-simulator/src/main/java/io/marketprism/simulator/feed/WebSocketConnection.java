package io.marketprism.simulator.feed;

import io.marketprism.simulator.fault.FaultInjector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one client's WebSocket, usable from any thread.
 *
 * <p>Frames are encoded on the caller's thread (usually the market clock) and queued; one task on the channel's event
 * loop drains the queue and flushes once, so a burst of frames costs one syscall, not one each. A client that reads
 * slower than the feed writes is disconnected once more than {@code maxPendingBytes} wait unsent, as the real
 * exchanges do, rather than buffered without bound. {@link #isWritable()} turns false at half that, for producers
 * that can wait.
 *
 * <p>Thread-safe: the queue is lock-free, {@code drainScheduled} makes sure at most one drain task is pending.
 */
public final class WebSocketConnection {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

  private final Channel channel;
  private final String exchange;
  private final FaultInjector faults;
  private final Queue<ByteBuf> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Bytes queued but not yet handed to Netty. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong framesSent;
  private final long maxPendingBytes;

  WebSocketConnection(
      Channel channel, String exchange, FaultInjector faults, AtomicLong framesSent, long maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
    this.channel = channel;
    this.exchange = exchange;
    this.faults = faults;
    this.framesSent = framesSent;
  }

  public String exchange() {
    return exchange;
  }

  /** A short id for logs and OKX's {@code connId}: the channel's. */
  public String id() {
    return channel.id().asShortText();
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Whether the unsent bytes are below half the disconnect limit (a producer that can wait should, when not). */
  public boolean isWritable() {
    return channel.isWritable() && queuedBytes.get() < maxPendingBytes / 4;
  }

  /** Sends a control frame (acks, errors, pongs, heartbeats): never subject to faults. */
  public void send(CharSequence text) {
    enqueue(text);
  }

  /** Sends a market-data frame, which the malformed-frame fault may break. */
  public void sendData(CharSequence text) {
    enqueue(faults.maybeMalform(text));
  }

  /** Drops the connection at once, without a close frame, like a network failure or an exchange restart. */
  public void abort() {
    channel.close();
  }

  /** Runs {@code task} on this connection's event loop (timers, heartbeats). */
  public void execute(Runnable task) {
    channel.eventLoop().execute(task);
  }

  public io.netty.channel.EventLoop eventLoop() {
    return channel.eventLoop();
  }

  private void enqueue(CharSequence text) {
    if (!channel.isActive()) {
      return;
    }
    ByteBuf frame = ByteBufUtil.writeUtf8(channel.alloc(), text);
    queuedBytes.addAndGet(frame.readableBytes());
    outbound.add(frame);
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
  }

  private void drain() {
    // cleared before polling, so a frame queued while we drain schedules another drain instead of being stranded
    drainScheduled.set(false);
    if (!channel.isActive()) {
      releaseQueued();
      return;
    }
    long count = 0;
    for (ByteBuf frame; (frame = outbound.poll()) != null; ) {
      queuedBytes.addAndGet(-frame.readableBytes());
      channel.write(new TextWebSocketFrame(frame), channel.voidPromise());
      count++;
    }
    channel.flush();
    framesSent.addAndGet(count);
    ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
    long pending = unsent == null ? 0 : unsent.totalPendingWriteBytes();
    if (pending > maxPendingBytes) {
      log.warn("{} client {} reads too slowly ({} bytes unsent): disconnecting it", exchange, id(), pending);
      channel.close();
    }
  }

  void releaseQueued() {
    for (ByteBuf frame; (frame = outbound.poll()) != null; ) {
      frame.release();
    }
  }
}
