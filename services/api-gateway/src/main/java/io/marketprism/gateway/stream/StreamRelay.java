package io.marketprism.gateway.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.marketprism.gateway.policy.ErrorResponses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays one upstream server stream to one client through a bounded queue, so the gateway's memory stays bounded
 * whatever the client's speed.
 *
 * <p>Frames are written in batches: while the client still reads the last batch, new messages wait in the queue,
 * and the next batch takes all of them at once (no write per message). A <em>paced</em> stream (a replay, whose
 * source can wait) asks upstream for the next message only while the queue has room. A live stream's source does
 * not wait, so its messages are always taken; when a client falls {@code limit} messages behind, it is told why
 * ({@code RESOURCE_EXHAUSTED}, as the stream's last frame) and dropped, and the upstream call is cancelled.
 *
 * <p>Thread-safe: upstream callbacks arrive on the call's executor, consumption callbacks on the client's event
 * loop; the queue and flags are guarded by {@code this}.
 */
final class StreamRelay extends ClientCall.Listener<Message> {

  /** What became of a stream, for the metrics. */
  enum Outcome {
    COMPLETED,
    FAILED,
    CLIENT_GONE,
    DROPPED_SLOW
  }

  interface Listener {
    void ended(Outcome outcome);
  }

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final Object END = new Object();

  private final ClientCall<Message, Message> call;
  private final EventTransport transport;
  private final Resumption resumption;
  private final int limit;
  private final Listener listener;

  // guarded by this
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private boolean writing;
  private boolean ended;
  private boolean upstreamWaiting;
  private long lastWriteNanos = System.nanoTime();
  private final java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();

  StreamRelay(
      ClientCall<Message, Message> call, EventTransport transport, Resumption resumption, int limit, Listener listener) {
    this.call = call;
    this.transport = transport;
    this.resumption = resumption;
    this.limit = limit;
    this.listener = listener;
    transport.whenClosed().whenComplete((ignored, error) -> clientGone());
  }

  @Override
  public void onMessage(Message message) {
    Object frame;
    try {
      frame = transport.message(JSON.print(message), resumption.idAfter(message).orElse(null));
    } catch (InvalidProtocolBufferException e) {
      // a message with an Any we cannot resolve: end the stream rather than skip data silently
      call.cancel("cannot print " + message.getDescriptorForType().getFullName(), e);
      return;
    }
    boolean requestNext;
    synchronized (this) {
      if (ended) {
        return;
      }
      if (queue.size() >= limit) {
        dropSlowClientLocked();
        return;
      }
      queue.add(frame);
      drainLocked();
      requestNext = !resumption.paced() || queue.size() < limit;
      upstreamWaiting = !requestNext;
    }
    if (requestNext) {
      call.request(1);
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (!status.isOk()) {
        com.google.rpc.Status detailed = StatusProto.fromStatusAndTrailers(status, trailers);
        queue.add(transport.error(ErrorResponses.jsonBody(detailed)));
      }
      queue.add(END);
      drainLocked();
    }
    report(status.isOk() ? Outcome.COMPLETED : Outcome.FAILED);
  }

  /** Sends a heartbeat if nothing was written for {@code idleNanos}. */
  void heartbeatIfIdle(long idleNanos) {
    synchronized (this) {
      if (!ended && !writing && queue.isEmpty() && System.nanoTime() - lastWriteNanos >= idleNanos) {
        queue.add(transport.heartbeat());
        drainLocked();
      }
    }
  }

  private void drainLocked() {
    if (writing || queue.isEmpty()) {
      return;
    }
    List<Object> batch = new ArrayList<>(queue.size());
    boolean end = false;
    while (!queue.isEmpty()) {
      Object frame = queue.poll();
      if (frame == END) {
        end = true;
        break;
      }
      batch.add(frame);
    }
    if (!batch.isEmpty()) {
      writing = true;
      lastWriteNanos = System.nanoTime();
      transport.write(batch);
    }
    if (end) {
      ended = true;
      transport.close();
      return;
    }
    transport.whenConsumed().thenRun(this::consumed);
  }

  private void consumed() {
    boolean requestNext;
    synchronized (this) {
      writing = false;
      drainLocked();
      requestNext = upstreamWaiting && !ended && queue.size() < limit;
      if (requestNext) {
        upstreamWaiting = false;
      }
    }
    if (requestNext) {
      call.request(1);
    }
  }

  private void dropSlowClientLocked() {
    ended = true;
    queue.clear();
    call.cancel("the client read too slowly", null);
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
            .setMessage(
                "the stream was dropped: the client fell "
                    + limit
                    + " messages behind; reconnect (with Last-Event-ID where the stream can resume)")
            .build();
    transport.write(List.of(transport.error(ErrorResponses.jsonBody(status))));
    transport.close();
    report(Outcome.DROPPED_SLOW);
  }

  private void clientGone() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      queue.clear();
    }
    call.cancel("the client went away", null);
    report(Outcome.CLIENT_GONE);
  }

  /** The first outcome counts: a client may leave while the upstream's last frames are still on their way. */
  private void report(Outcome outcome) {
    if (reported.compareAndSet(false, true)) {
      listener.ended(outcome);
    }
  }
}
