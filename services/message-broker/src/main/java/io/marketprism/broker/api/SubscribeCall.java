package io.marketprism.broker.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.broker.nats.JetStreamAdmin;
import io.marketprism.broker.nats.JetStreamSubscriptions;
import io.marketprism.broker.subscribe.ActiveSubscriptions;
import io.marketprism.broker.subscribe.MessageSource;
import io.marketprism.broker.subscribe.Subscription;
import io.marketprism.broker.subscribe.SubscriptionSink;
import io.marketprism.broker.v1.SubscribeRequest;
import io.marketprism.broker.v1.SubscribeResponse;
import io.marketprism.broker.v1.SubscribeStart;
import io.marketprism.broker.validation.Names;
import io.marketprism.broker.validation.SubscribeStartValidator;
import io.marketprism.kit.api.FieldViolations;
import java.util.List;

/**
 * One Subscribe call, as the contract defines it: {@code start} first (and only first), then {@code credits} and
 * {@code ack}s. The delivery itself is a {@link Subscription} running on its own thread.
 *
 * <p>Thread-safety: gRPC delivers the client's messages one at a time; the cancel handler may run on another thread,
 * so the subscription reference is volatile and a cancel that races the start is caught after the start.
 */
final class SubscribeCall implements StreamObserver<SubscribeRequest> {

  private final ServerCallStreamObserver<SubscribeResponse> response;
  private final JetStreamAdmin admin;
  private final JetStreamSubscriptions subscriptions;
  private final ActiveSubscriptions active;
  private final Subscription.Settings settings;
  private final CallSink sink;
  private volatile Subscription subscription;

  SubscribeCall(
      ServerCallStreamObserver<SubscribeResponse> response,
      JetStreamAdmin admin,
      JetStreamSubscriptions subscriptions,
      ActiveSubscriptions active,
      Subscription.Settings settings) {
    this.response = response;
    this.admin = admin;
    this.subscriptions = subscriptions;
    this.active = active;
    this.settings = settings;
    this.sink = new CallSink(response, active);
    response.setOnCancelHandler(this::cancelled);
  }

  @Override
  public void onNext(SubscribeRequest request) {
    try {
      switch (request.getRequestCase()) {
        case START -> start(request.getStart());
        case CREDITS -> {
          FieldViolations violations = new FieldViolations();
          SubscribeStartValidator.checkCredits(request.getCredits().getCount(), violations);
          violations.throwIfAny();
          started().grant(request.getCredits().getCount());
        }
        case ACK -> started().ack(request.getAck().getSequencesList());
        default -> throw FieldViolations.single("request", "exactly one of start, credits or ack must be set");
      }
    } catch (StatusRuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  @Override
  public void onCompleted() {
    Subscription current = subscription;
    if (current == null) {
      sink.finish(Status.OK.asRuntimeException());
    } else {
      current.complete();
    }
  }

  private void start(SubscribeStart start) {
    if (subscription != null) {
      throw FieldViolations.single("start", "only the first message of a Subscribe call may be start");
    }
    FieldViolations violations = new FieldViolations();
    Names.check(start.getStream(), "start.stream", violations);
    violations.throwIfAny();
    List<String> streamSubjects = admin.subjects(start.getStream());
    SubscribeStartValidator.check(start, streamSubjects, violations);
    violations.throwIfAny();

    boolean durable = !start.getDurable().isEmpty();
    MessageSource source = durable ? openDurable(start) : subscriptions.openEphemeral(start);
    Subscription started =
        new Subscription(
            describe(start),
            source,
            sink,
            start.getInitialCredits(),
            settings,
            ended -> {
              if (durable) {
                active.unbind(start.getStream(), start.getDurable());
              }
              active.ended(ended);
            });
    subscription = started;
    active.start(started);
    if (response.isCancelled()) {
      started.cancel();
    }
  }

  private MessageSource openDurable(SubscribeStart start) {
    if (!active.bind(start.getStream(), start.getDurable())) {
      throw Status.FAILED_PRECONDITION
          .withDescription("consumer " + start.getDurable() + " is already bound to another Subscribe call")
          .asRuntimeException();
    }
    try {
      return subscriptions.openDurable(start);
    } catch (RuntimeException e) {
      active.unbind(start.getStream(), start.getDurable());
      throw e;
    }
  }

  private Subscription started() {
    Subscription current = subscription;
    if (current == null) {
      throw FieldViolations.single("start", "the first message of a Subscribe call must be start");
    }
    return current;
  }

  private void fail(StatusRuntimeException error) {
    Subscription current = subscription;
    if (current == null) {
      sink.finish(error);
    } else {
      current.end(error);
    }
  }

  private void cancelled() {
    Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  private static String describe(SubscribeStart start) {
    return start.getDurable().isEmpty()
        ? start.getStream() + " (ephemeral, " + start.getDeliverPolicy() + ")"
        : start.getStream() + "/" + start.getDurable();
  }

  /**
   * The call's response stream, shared by the delivery loop and the request thread (for errors before the loop
   * exists). Thread-safe: every write is synchronized and nothing is written after the call ended.
   */
  private static final class CallSink implements SubscriptionSink {

    private final ServerCallStreamObserver<SubscribeResponse> response;
    private final ActiveSubscriptions active;

    /** Guarded by {@code this}. */
    private boolean finished;

    CallSink(ServerCallStreamObserver<SubscribeResponse> response, ActiveSubscriptions active) {
      this.response = response;
      this.active = active;
    }

    @Override
    public synchronized void send(SubscribeResponse message) {
      if (!finished && !response.isCancelled()) {
        if (message.hasMessage()) {
          active.delivered(); // counted first, so a client that has the message also sees it counted
        }
        response.onNext(message);
      }
    }

    @Override
    public synchronized void finish(StatusRuntimeException outcome) {
      if (finished || response.isCancelled()) {
        return;
      }
      finished = true;
      if (outcome.getStatus().isOk()) {
        response.onCompleted();
      } else {
        response.onError(outcome);
      }
    }
  }
}
