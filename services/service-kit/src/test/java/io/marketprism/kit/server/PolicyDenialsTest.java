package io.marketprism.kit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The explanation of mesh policy refusals, on an in-process server where an interceptor refuses as grpc-xds' RBAC
 * filter does (the real filter over mTLS is covered by the control plane's MutualTlsTest).
 */
class PolicyDenialsTest {

  /** How the service answers: OK, or a PERMISSION_DENIED of its own. */
  private final AtomicReference<Status> answer = new AtomicReference<>(Status.OK);
  private final AtomicReference<Status> rbac = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  private SimpleServiceGrpc.SimpleServiceBlockingStub start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .directExecutor()
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            if (!answer.get().isOk()) {
              response.onError(answer.get().asRuntimeException());
              return;
            }
            response.onNext(SimpleResponse.newBuilder().setResponseMessage("served").build());
            response.onCompleted();
          }
        })
        .intercept(new RefusingLikeRbac())
        .intercept(new PolicyDenials("vault")) // added last: runs first, outside the refusal
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return SimpleServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aPolicyRefusalNamesTheCallerTheMethodAndWhosePolicy() throws Exception {
    rbac.set(Status.PERMISSION_DENIED.withDescription("Access Denied"));

    assertThatThrownBy(() -> start().unaryRpc(SimpleRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).isEqualTo(
              "plaintext caller may not call grpc.testing.SimpleService/UnaryRpc (denied by the mesh policy of vault)");
        });
  }

  @Test
  void aDenialTheServiceWroteItselfPassesUnchanged() throws Exception {
    answer.set(Status.PERMISSION_DENIED.withDescription("caller may not register instances of vault"));

    assertThatThrownBy(() -> start().unaryRpc(SimpleRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("caller may not register instances of vault"));
  }

  @Test
  void otherFailuresAndAnsweredCallsPassUnchanged() throws Exception {
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = start();
    assertThat(stub.unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage()).isEqualTo("served");

    answer.set(Status.UNAVAILABLE.withDescription("Access Denied"));
    assertThatThrownBy(() -> stub.unaryRpc(SimpleRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus())
            .extracting(Status::getCode, Status::getDescription)
            .containsExactly(Status.Code.UNAVAILABLE, "Access Denied"));
  }

  /** Closes the call before the service sees it, as grpc-xds' RbacFilter does, whenever {@link #rbac} is set. */
  private final class RefusingLikeRbac implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      Status refusal = rbac.get();
      if (refusal == null) {
        return next.startCall(call, headers);
      }
      call.close(refusal, new Metadata());
      return new ServerCall.Listener<>() {};
    }
  }
}
