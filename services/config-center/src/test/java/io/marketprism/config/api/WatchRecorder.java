package io.marketprism.config.api;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.WatchEvent;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.config.v1.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One Watch call whose responses a test reads in order; waits are bounded only to fail a hung test. */
final class WatchRecorder implements StreamObserver<WatchResponse>, AutoCloseable {

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final Context.CancellableContext context = Context.current().withCancellation();

  static WatchRecorder start(ConfigServiceGrpc.ConfigServiceStub stub, WatchRequest request) {
    WatchRecorder recorder = new WatchRecorder();
    recorder.context.run(() -> stub.watch(request, recorder));
    return recorder;
  }

  /** The next response. */
  WatchResponse next() throws InterruptedException {
    Object item = received.poll(30, TimeUnit.SECONDS);
    if (item instanceof WatchResponse response) {
      return response;
    }
    throw new AssertionError("expected a watch response, got " + item);
  }

  /** Responses until one has {@code snapshot_complete}; their events, in order. */
  List<WatchEvent> untilSnapshotComplete() throws InterruptedException {
    List<WatchEvent> events = new ArrayList<>();
    WatchResponse response;
    do {
      response = next();
      events.addAll(response.getEventsList());
    } while (!response.getSnapshotComplete());
    return events;
  }

  /** The next {@code count} events. */
  List<WatchEvent> events(int count) throws InterruptedException {
    List<WatchEvent> events = new ArrayList<>();
    while (events.size() < count) {
      events.addAll(next().getEventsList());
    }
    return events;
  }

  /** The status the call ended with. */
  Status end() throws InterruptedException {
    while (true) {
      Object item = received.poll(30, TimeUnit.SECONDS);
      if (item instanceof Status status) {
        return status;
      }
      if (item == null) {
        throw new AssertionError("the watch did not end");
      }
    }
  }

  @Override
  public void onNext(WatchResponse value) {
    received.add(value);
  }

  @Override
  public void onError(Throwable t) {
    received.add(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    received.add(Status.OK);
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
