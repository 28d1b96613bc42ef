package io.marketprism.gateway;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.gateway.security.Caller;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.storage.v1.FollowEventsRequest;
import io.marketprism.storage.v1.FollowEventsResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.ReplayEventsRequest;
import io.marketprism.storage.v1.ReplayEventsResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage service on a real port whose answers depend on the symbol asked for, so tests can see what the gateway
 * forwards: the request, the caller metadata and the deadline it arrived with. {@code HANG-USDT} never answers;
 * {@code BAD-USDT} fails with field violations; any other symbol answers one trade per call.
 */
final class FakeStorage implements AutoCloseable {

  /** What one call brought with it. */
  record Seen(Object request, String caller, Long deadlineMillis, String traceparent) {}

  static final Context.Key<String> CALLER = Context.key("caller");
  static final Context.Key<String> TRACEPARENT = Context.key("traceparent");
  private static final Metadata.Key<String> TRACEPARENT_HEADER =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  final CountDownLatch hanging = new CountDownLatch(1);
  final AtomicInteger cancelledStreams = new AtomicInteger();
  final Server server;

  FakeStorage() throws Exception {
    StorageServiceGrpc.StorageServiceImplBase storage =
        new StorageServiceGrpc.StorageServiceImplBase() {
          @Override
          public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> response) {
            record(request);
            switch (request.getSymbol()) {
              case "HANG-USDT" -> hanging.countDown();
              case "BAD-USDT" ->
                  response.onError(
                      StatusProto.toStatusRuntimeException(
                          com.google.rpc.Status.newBuilder()
                              .setCode(Code.INVALID_ARGUMENT_VALUE)
                              .setMessage("limit: must be between 1 and 1000")
                              .addDetails(
                                  Any.pack(
                                      BadRequest.newBuilder()
                                          .addFieldViolations(
                                              BadRequest.FieldViolation.newBuilder()
                                                  .setField("limit")
                                                  .setDescription("must be between 1 and 1000"))
                                          .build()))
                              .build()));
              default -> {
                response.onNext(
                    ListTradesResponse.newBuilder()
                        .addTrades(trade(request.getSymbol(), 1))
                        .setNextPageToken("next")
                        .build());
                response.onCompleted();
              }
            }
          }

          @Override
          public void followEvents(FollowEventsRequest request, StreamObserver<FollowEventsResponse> response) {
            record(request);
            ServerCallStreamObserver<FollowEventsResponse> stream =
                (ServerCallStreamObserver<FollowEventsResponse>) response;
            stream.setOnCancelHandler(cancelledStreams::incrementAndGet);
            // a live source: it does not wait for the reader ("FAST-USDT" sends far more than anyone buffers)
            int count = request.getSymbol().equals("FAST-USDT") ? 200_000 : 3;
            String padding = "x".repeat(request.getSymbol().equals("FAST-USDT") ? 512 : 0);
            new Thread(
                    () -> {
                      for (int i = 1; i <= count && !stream.isCancelled(); i++) {
                        Trade trade = trade(request.getSymbol(), i).toBuilder().setNativeSymbol(padding).build();
                        stream.onNext(
                            FollowEventsResponse.newBuilder()
                                .addEvents(MarketEvent.newBuilder().setTrade(trade))
                                .build());
                      }
                      if (!stream.isCancelled()) {
                        stream.onCompleted();
                      }
                    })
                .start();
          }

          @Override
          public void replayEvents(ReplayEventsRequest request, StreamObserver<ReplayEventsResponse> response) {
            record(request);
            int from = request.getResumeToken().isEmpty() ? 1 : Integer.parseInt(request.getResumeToken()) + 1;
            for (int i = from; i < from + 3; i++) {
              response.onNext(
                  ReplayEventsResponse.newBuilder()
                      .addEvents(MarketEvent.newBuilder().setTrade(trade(request.getSymbol(), i)))
                      .setResumeToken(Integer.toString(i))
                      .build());
            }
            response.onCompleted();
          }
        };
    HealthStatusManager health = new HealthStatusManager();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(storage, new CallerCapture()))
            .addService(health.getHealthService())
            .build()
            .start();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  Seen next() throws InterruptedException {
    Seen call = seen.poll(10, TimeUnit.SECONDS);
    if (call == null) {
      throw new AssertionError("no call reached the upstream");
    }
    return call;
  }

  private void record(Object request) {
    Deadline deadline = Context.current().getDeadline();
    seen.add(
        new Seen(
            request,
            CALLER.get(),
            deadline == null ? null : deadline.timeRemaining(TimeUnit.MILLISECONDS),
            TRACEPARENT.get()));
  }

  static Trade trade(String symbol, int id) {
    return Trade.newBuilder()
        .setExchange("binance")
        .setSymbol(symbol)
        .setNativeSymbol(symbol.replace("-", ""))
        .setTradeId(Integer.toString(id))
        .setPrice("42219.90000001")
        .setAmount("0.5")
        .setExchangeTimeNs(1_700_000_000_000_000_000L + id)
        .build();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  /** Puts the {@code x-marketprism-caller} and {@code traceparent} headers in the context, for {@link #record}. */
  private static final class CallerCapture implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return Contexts.interceptCall(
          Context.current()
              .withValue(CALLER, headers.get(Caller.GRPC_METADATA_KEY))
              .withValue(TRACEPARENT, headers.get(TRACEPARENT_HEADER)),
          call,
          headers,
          next);
    }
  }
}
