package io.marketprism.broker.subscribe;

import io.grpc.StatusRuntimeException;
import io.marketprism.broker.v1.SubscribeResponse;

/** Where a subscription sends what it delivers: the gRPC call's response stream. */
public interface SubscriptionSink {

  /** Sends one message or heartbeat. */
  void send(SubscribeResponse response);

  /** Ends the call: an {@code OK} status completes it, any other fails it. Called once, last. */
  void finish(StatusRuntimeException outcome);
}
