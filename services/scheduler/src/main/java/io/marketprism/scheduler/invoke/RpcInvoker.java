package io.marketprism.scheduler.invoke;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Calls a unary RPC known only by its descriptor, with dynamic messages, on the channel of the target service (the
 * kit's channels: {@code xds:///<service>} with the scheduler's identity in the mesh, {@code peers.<service>}
 * otherwise). Thread-safe; gRPC method descriptors are built once per method.
 */
public final class RpcInvoker {

  private final Function<String, Channel> channels;
  private final Map<Descriptors.MethodDescriptor, MethodDescriptor<DynamicMessage, DynamicMessage>> methods =
      new ConcurrentHashMap<>();

  /** @param channels a channel per mesh service name, e.g. {@code ctx.channels()::forService} */
  public RpcInvoker(Function<String, Channel> channels) {
    this.channels = channels;
  }

  /** Starts the call; cancelling the future cancels it. */
  public ListenableFuture<DynamicMessage> call(
      String service, Descriptors.MethodDescriptor method, DynamicMessage request, Duration timeout) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return ClientCalls.futureUnaryCall(
        channels.apply(service).newCall(grpcMethod(method), options), request);
  }

  private MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(Descriptors.MethodDescriptor method) {
    return methods.computeIfAbsent(method, m -> MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(m.getService().getFullName(), m.getName()))
        .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getInputType())))
        .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(m.getOutputType())))
        .build());
  }
}
