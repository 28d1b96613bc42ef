package io.marketprism.gateway.stream;

import com.google.protobuf.Message;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketCloseStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.websocket.WebSocketServiceHandler;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.marketprism.gateway.EdgePolicies;
import io.marketprism.gateway.policy.ErrorResponses;
import io.marketprism.gateway.policy.RequestAttributes;
import io.marketprism.gateway.policy.RequestTracing;
import io.marketprism.gateway.routing.PathTemplate;
import io.marketprism.gateway.security.Caller;
import io.marketprism.kit.api.FieldViolations;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One server-streaming method at its {@code google.api.http} GET path, as Server-Sent Events (any plain GET) or a
 * WebSocket (an upgrade request to the same path). The caller is admitted like any gRPC call (role, rate limit);
 * the request is bound from the path and query; {@code Last-Event-ID} (or query {@code last_event_id}, for clients
 * that cannot set headers) resumes where the source allows ({@link Resumption}). Messages are relayed through a
 * bounded {@link StreamRelay}.
 */
final class StreamRoute implements HttpService, WebSocketServiceHandler {

  static final String LAST_EVENT_ID_PARAMETER = "last_event_id";

  private final MethodDescriptor<Message, Message> method;
  private final PathTemplate path;
  private final Channel channel;
  private final EdgePolicies policies;
  private final StreamSettings settings;
  private final Resumption resumption;
  private final Message prototype;

  @SuppressWarnings("unchecked")
  StreamRoute(MethodDescriptor<?, ?> method, PathTemplate path, Channel channel, EdgePolicies policies, StreamSettings settings) {
    this.method = (MethodDescriptor<Message, Message>) method;
    this.path = path;
    this.channel = channel;
    this.policies = policies;
    this.settings = settings;
    this.resumption = Resumption.forMethod(method.getFullMethodName());
    this.prototype =
        (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
  }

  PathTemplate path() {
    return path;
  }

  String fullMethodName() {
    return method.getFullMethodName();
  }

  /** Server-Sent Events (the WebSocket service's fallback for requests that are not an upgrade). */
  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Message request;
    try {
      request = admitAndBind(ctx);
    } catch (StatusRuntimeException e) {
      return ErrorResponses.json(StatusProto.fromThrowable(e), ResponseHeaders.builder());
    }
    SseTransport sse = new SseTransport();
    relay(ctx, request, sse);
    return sse.response();
  }

  @Override
  public WebSocket handle(ServiceRequestContext ctx, WebSocket in) {
    WebSocketTransport transport = new WebSocketTransport(in);
    try {
      relay(ctx, admitAndBind(ctx), transport);
    } catch (StatusRuntimeException e) {
      transport.write(List.of(transport.error(ErrorResponses.jsonBody(StatusProto.fromThrowable(e)))));
      transport.outbound().close(WebSocketCloseStatus.POLICY_VIOLATION, e.getStatus().getCode().name());
    }
    return transport.outbound();
  }

  private Message admitAndBind(ServiceRequestContext ctx) {
    ctx.setAttr(RequestAttributes.METHOD, method.getFullMethodName());
    Caller caller = ctx.attr(Caller.ATTRIBUTE);
    if (caller == null) {
      throw io.grpc.Status.UNAUTHENTICATED.withDescription("credentials required").asRuntimeException();
    }
    policies.admit(caller, method.getFullMethodName());
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < path.variables().size(); i++) {
      variables.put(path.variables().get(i), ctx.pathParam(PathTemplate.group(i)));
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    QueryParams params = ctx.queryParams();
    for (String name : params.names()) {
      query.put(name, params.getAll(name));
    }
    List<String> lastEventIdParam = query.remove(LAST_EVENT_ID_PARAMETER);
    Message request = RequestBinder.bind(prototype, variables, query);
    String lastEventId = ctx.request().headers().get(HttpHeaderNames.LAST_EVENT_ID);
    if (lastEventId == null && lastEventIdParam != null && !lastEventIdParam.isEmpty()) {
      lastEventId = lastEventIdParam.get(0);
    }
    if (lastEventId != null && resumption != Resumption.NONE) {
      try {
        request = resumption.resume(request, lastEventId);
      } catch (IllegalArgumentException e) {
        throw FieldViolations.single("Last-Event-ID", "not an id this stream gave: " + e.getMessage());
      }
    }
    return request;
  }

  private void relay(ServiceRequestContext ctx, Message request, EventTransport transport) {
    // a live stream lasts as long as the client stays
    ctx.clearRequestTimeout();
    Metadata headers = new Metadata();
    Caller caller = ctx.attr(Caller.ATTRIBUTE);
    headers.put(Caller.GRPC_METADATA_KEY, caller.metadataValue());
    ClientCall<Message, Message> call;
    try (Scope scope = RequestTracing.contextOf(ctx).makeCurrent()) {
      call = channel.newCall(method, CallOptions.DEFAULT);
    }
    settings.metrics().opened(method.getFullMethodName());
    StreamRelay relay =
        new StreamRelay(call, transport, resumption, settings.buffer(),
            outcome -> settings.metrics().ended(method.getFullMethodName(), outcome));
    long heartbeatNanos = settings.heartbeat().toNanos();
    ScheduledFuture<?> heartbeats =
        ctx.eventLoop().scheduleAtFixedRate(
            () -> relay.heartbeatIfIdle(heartbeatNanos), heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
    transport.whenClosed().whenComplete((ignored, error) -> heartbeats.cancel(false));
    try (Scope scope = RequestTracing.contextOf(ctx).makeCurrent()) {
      call.start(relay, headers);
    }
    call.sendMessage(request);
    call.halfClose();
    call.request(1);
  }
}
