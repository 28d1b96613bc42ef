package io.marketprism.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.broker.v1.DeliveredMessage;
import io.marketprism.broker.v1.SubscribeAck;
import io.marketprism.broker.v1.SubscribeCredits;
import io.marketprism.broker.v1.SubscribeHeartbeat;
import io.marketprism.broker.v1.SubscribeRequest;
import io.marketprism.broker.v1.SubscribeResponse;
import io.marketprism.broker.v1.SubscribeStart;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test's side of one Subscribe call: sends requests, and hands out responses in the order they arrived. */
final class SubscribeClient implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {

  private final BlockingQueue<SubscribeResponse> responses = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private ClientCallStreamObserver<SubscribeRequest> requests;

  static SubscribeClient open(BrokerServiceGrpc.BrokerServiceStub stub, SubscribeStart start) {
    SubscribeClient client = new SubscribeClient();
    stub.subscribe(client);
    client.send(SubscribeRequest.newBuilder().setStart(start).build());
    return client;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
    this.requests = requestStream;
  }

  @Override
  public void onNext(SubscribeResponse value) {
    responses.add(value);
  }

  @Override
  public void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }

  synchronized void send(SubscribeRequest request) {
    requests.onNext(request);
  }

  void grant(int count) {
    send(SubscribeRequest.newBuilder().setCredits(SubscribeCredits.newBuilder().setCount(count)).build());
  }

  void ack(Long... sequences) {
    send(SubscribeRequest.newBuilder().setAck(SubscribeAck.newBuilder().addAllSequences(List.of(sequences))).build());
  }

  synchronized void halfClose() {
    requests.onCompleted();
  }

  synchronized void cancel() {
    requests.cancel("test cancels", null);
  }

  /** The next response, whatever it is. */
  SubscribeResponse next() throws InterruptedException {
    SubscribeResponse response = responses.poll(20, TimeUnit.SECONDS);
    assertThat(response).as("a response within 20 s (call ended: %s)", end.getNow(null)).isNotNull();
    return response;
  }

  /** The next {@code count} messages, skipping heartbeats sent before each. */
  List<DeliveredMessage> messages(int count) throws InterruptedException {
    List<DeliveredMessage> messages = new ArrayList<>();
    while (messages.size() < count) {
      SubscribeResponse response = next();
      if (response.hasMessage()) {
        messages.add(response.getMessage());
      }
    }
    return messages;
  }

  /** The next response, which must be a heartbeat. */
  SubscribeHeartbeat heartbeat() throws InterruptedException {
    SubscribeResponse response = next();
    assertThat(response.hasHeartbeat()).as("expected a heartbeat, got %s", response).isTrue();
    return response.getHeartbeat();
  }

  /** How the call ended. */
  Status end() throws Exception {
    return end.get(20, TimeUnit.SECONDS);
  }
}
