package io.marketprism.gateway.routing;

import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.marketprism.gateway.policy.RequestTracing;
import io.marketprism.gateway.security.Caller;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forwards one gRPC method to the service behind the gateway, message by message, for every call type (unary and
 * streams alike): what the caller sends goes upstream, what upstream answers goes back, status and trailers (with
 * their {@code google.rpc} details) included. Each side asks for the next message only when the other can take it,
 * so a slow reader slows the writer instead of filling the gateway's memory.
 *
 * <p>The upstream call carries the {@link Deadlines deadline} of the route and the authenticated caller
 * ({@code x-marketprism-caller: <subject>;role=<role>}); the user's credentials never leave the gateway.
 */
final class ProxyCallHandler<Q, R> implements ServerCallHandler<Q, R> {

  // the gateway's own request timeout trails the upstream deadline, so that the caller hears the upstream's
  // DEADLINE_EXCEEDED (with whatever the service said) rather than the gateway cutting the request first
  private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(1);

  private final String service;
  private final Channel channel;
  private final Deadlines deadlines;

  ProxyCallHandler(String service, Channel channel, Deadlines deadlines) {
    this.service = service;
    this.channel = channel;
    this.deadlines = deadlines;
  }

  @Override
  public ServerCall.Listener<Q> startCall(ServerCall<Q, R> serverCall, Metadata headers) {
    MethodDescriptor<Q, R> method = serverCall.getMethodDescriptor();
    CallOptions options = CallOptions.DEFAULT;
    Metadata upstreamHeaders = new Metadata();
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx != null) {
      Optional<Duration> timeout = deadlines.timeoutOf(method, ctx.request().headers());
      if (timeout.isPresent()) {
        options = options.withDeadlineAfter(timeout.get().toNanos(), TimeUnit.NANOSECONDS);
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, timeout.get().plus(TIMEOUT_MARGIN));
      } else {
        ctx.clearRequestTimeout();
      }
      Caller caller = ctx.attr(Caller.ATTRIBUTE);
      if (caller != null) {
        upstreamHeaders.put(Caller.GRPC_METADATA_KEY, caller.metadataValue());
      }
    }
    ClientCall<Q, R> clientCall;
    Relay<Q, R> relay;
    // in the request's trace: the client span is the server span's child and its traceparent goes upstream
    try (Scope scope = RequestTracing.contextOf(ctx).makeCurrent()) {
      clientCall = channel.newCall(method, options);
      relay = new Relay<>(service, serverCall, clientCall);
      clientCall.start(relay.fromUpstream, upstreamHeaders);
    }
    clientCall.request(1);
    serverCall.request(1);
    return relay.fromCaller;
  }

  /**
   * The two directions of one proxied call. Each listener runs on its own call's serialized executor, so the two
   * "held back" flags are the only state both sides touch.
   */
  private static final class Relay<Q, R> {
    private final String service;
    private final ServerCall<Q, R> serverCall;
    private final ClientCall<Q, R> clientCall;
    private final AtomicBoolean callerHeldBack = new AtomicBoolean();
    private final AtomicBoolean upstreamHeldBack = new AtomicBoolean();

    Relay(String service, ServerCall<Q, R> serverCall, ClientCall<Q, R> clientCall) {
      this.service = service;
      this.serverCall = serverCall;
      this.clientCall = clientCall;
    }

    /** Caller → upstream. */
    final ServerCall.Listener<Q> fromCaller =
        new ServerCall.Listener<>() {
          @Override
          public void onMessage(Q message) {
            clientCall.sendMessage(message);
            if (clientCall.isReady()) {
              serverCall.request(1);
            } else {
              callerHeldBack.set(true);
              // readiness may have come back between the check and the flag
              if (clientCall.isReady() && callerHeldBack.compareAndSet(true, false)) {
                serverCall.request(1);
              }
            }
          }

          @Override
          public void onHalfClose() {
            clientCall.halfClose();
          }

          @Override
          public void onCancel() {
            clientCall.cancel("the caller went away", null);
          }

          @Override
          public void onReady() {
            // the caller can take answers again
            if (upstreamHeldBack.compareAndSet(true, false)) {
              clientCall.request(1);
            }
          }
        };

    /** Upstream → caller. */
    final ClientCall.Listener<R> fromUpstream =
        new ClientCall.Listener<>() {
          private boolean headersSent;

          @Override
          public void onHeaders(Metadata headers) {
            // upstream's response headers stay inside the mesh; the caller gets the gateway's own
            sendHeadersOnce();
          }

          @Override
          public void onMessage(R message) {
            sendHeadersOnce();
            serverCall.sendMessage(message);
            if (serverCall.isReady()) {
              clientCall.request(1);
            } else {
              upstreamHeldBack.set(true);
              if (serverCall.isReady() && upstreamHeldBack.compareAndSet(true, false)) {
                clientCall.request(1);
              }
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (status.getCode() == Status.Code.CANCELLED && !serverCall.isCancelled()) {
              // the caller is still there, so it was the service that gave up on the call (it stopped or died):
              // for the caller the service is unavailable, not its own request cancelled
              status =
                  Status.UNAVAILABLE
                      .withDescription(service + " ended the call: " + status.getDescription())
                      .withCause(status.getCause());
            }
            serverCall.close(status, trailers);
          }

          @Override
          public void onReady() {
            // upstream can take the caller's next message
            if (callerHeldBack.compareAndSet(true, false)) {
              serverCall.request(1);
            }
          }

          private void sendHeadersOnce() {
            if (!headersSent) {
              headersSent = true;
              serverCall.sendHeaders(new Metadata());
            }
          }
        };
  }
}
