package io.marketprism.scheduler;

import io.grpc.Context;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.marketprism.storage.v1.ArchiveRequest;
import io.marketprism.storage.v1.ArchiveResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for data-storage's {@code Archive}, on a real gRPC port, whose answers a test chooses: fail the first n
 * calls, take a while, or succeed at once. Records every call (its {@code cutoff_time_ns}, which tasks set to their
 * fire time) and every call the caller cancelled.
 */
public final class FakeStorage implements AutoCloseable {

  /** One call as received: its cutoff and when it arrived, both in ns since the epoch. */
  public record Call(long cutoffTimeNs, long receivedAtNanos) {}

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final AtomicInteger cancelled = new AtomicInteger();
  public volatile int failFirst;
  public volatile Status failWith = Status.UNAVAILABLE.withDescription("storage is warming up");
  public volatile long delayMillis;
  private final Server server;

  public FakeStorage() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new StorageServiceGrpc.StorageServiceImplBase() {
          @Override
          public void archive(ArchiveRequest request, StreamObserver<ArchiveResponse> response) {
            int number;
            synchronized (calls) {
              Instant now = Instant.now();
              calls.add(new Call(request.getCutoffTimeNs(), now.getEpochSecond() * 1_000_000_000L + now.getNano()));
              number = calls.size();
            }
            if (number <= failFirst) {
              response.onError(failWith.asRuntimeException());
              return;
            }
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
            while (System.nanoTime() < until) {
              if (Context.current().isCancelled()) {
                cancelled.incrementAndGet();
                response.onError(Status.CANCELLED.asRuntimeException());
                return;
              }
              sleep(10);
            }
            response.onNext(ArchiveResponse.newBuilder().setMovedRows(number).build());
            response.onCompleted();
          }
        })
        .build()
        .start();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
