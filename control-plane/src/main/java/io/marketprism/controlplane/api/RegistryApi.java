package io.marketprism.controlplane.api;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.ResourceInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.controlplane.registry.InstanceKey;
import io.marketprism.controlplane.registry.Registry;
import io.marketprism.controlplane.registry.RegistryStore;
import io.marketprism.controlplane.registry.RegistryView;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.registry.v1.DeregisterRequest;
import io.marketprism.registry.v1.DeregisterResponse;
import io.marketprism.registry.v1.GetInstanceRequest;
import io.marketprism.registry.v1.GetInstanceResponse;
import io.marketprism.registry.v1.Instance;
import io.marketprism.registry.v1.InstanceEvent;
import io.marketprism.registry.v1.InstanceEventType;
import io.marketprism.registry.v1.InstanceState;
import io.marketprism.registry.v1.KeepAliveRequest;
import io.marketprism.registry.v1.KeepAliveResponse;
import io.marketprism.registry.v1.ListInstancesRequest;
import io.marketprism.registry.v1.ListInstancesResponse;
import io.marketprism.registry.v1.RegisterRequest;
import io.marketprism.registry.v1.RegisterResponse;
import io.marketprism.registry.v1.RegistryServiceGrpc;
import io.marketprism.registry.v1.WatchInstancesRequest;
import io.marketprism.registry.v1.WatchInstancesResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The {@code marketprism.registry.v1.RegistryService} API: validates requests and translates them to the
 * {@link Registry}; reads come from the replica's {@link RegistryView}. Thread-safe (stateless apart from the
 * per-call observers). Request and registry errors end the call with a status (thrown statuses would reach the
 * client as UNKNOWN), never an exception escaping to gRPC.
 */
public final class RegistryApi extends RegistryServiceGrpc.RegistryServiceImplBase {

  private static final int DEFAULT_PAGE = 500;
  private static final int MAX_PAGE = 5000;
  private static final int WATCH_SNAPSHOT_BATCH = 500;

  private final Registry registry;
  private final RegistryView view;

  public RegistryApi(Registry registry) {
    this.registry = registry;
    this.view = registry.view();
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    try {
      registerChecked(request, response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void registerChecked(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    FieldViolations bad = new FieldViolations();
    if (!request.hasInstance()) {
      bad.add("instance", "is required");
    } else {
      RequestValidator.instance(bad, request.getInstance());
    }
    Duration ttl =
        RequestValidator.duration(bad, "lease_ttl", request.hasLeaseTtl(), request.getLeaseTtl(),
            RequestValidator.DEFAULT_TTL, Duration.ofSeconds(5), Duration.ofMinutes(5));
    bad.throwIfAny();
    requireOwnService(request.getInstance().getService());
    Registry.Lease lease = call(() -> registry.register(request.getInstance(), ttl));
    response.onNext(
        RegisterResponse.newBuilder()
            .setLeaseId(lease.leaseId())
            .setLeaseTtl(Durations.fromMillis(lease.ttl().toMillis()))
            .setExpireTime(Timestamps.fromMillis(lease.expiry().toEpochMilli()))
            .setInstance(lease.instance())
            .build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<KeepAliveRequest> keepAlive(StreamObserver<KeepAliveResponse> response) {
    return new StreamObserver<>() {
      private boolean ended;

      @Override
      public void onNext(KeepAliveRequest request) {
        if (ended) {
          return;
        }
        if (request.getLeaseId().isEmpty()) {
          end(FieldViolations.single("lease_id", "is required"));
          return;
        }
        try {
          String leased = request.getLeaseId().substring(0, Math.max(0, request.getLeaseId().indexOf('.')));
          requireOwnService(leased);
          Registry.Renewal renewal = registry.renew(request.getLeaseId());
          response.onNext(
              KeepAliveResponse.newBuilder()
                  .setLeaseId(renewal.leaseId())
                  .setExpireTime(Timestamps.fromMillis(renewal.expiry().toEpochMilli()))
                  .setState(renewal.state())
                  .build());
        } catch (Registry.LeaseNotFoundException e) {
          end(StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.NOT_FOUND_VALUE)
                  .setMessage(e.getMessage())
                  .addDetails(Any.pack(ResourceInfo.newBuilder()
                      .setResourceType("marketprism.registry.v1.Lease")
                      .setResourceName(e.leaseId())
                      .setDescription("unknown or expired: register again")
                      .build()))
                  .build()));
        } catch (RegistryStore.StoreException e) {
          end(Status.UNAVAILABLE.withDescription("registry store: " + e.getMessage()).asRuntimeException());
        } catch (StatusRuntimeException e) {
          end(e);
        }
      }

      private void end(Throwable error) {
        ended = true;
        response.onError(error);
      }

      @Override
      public void onError(Throwable t) {
        ended = true;
      }

      @Override
      public void onCompleted() {
        if (!ended) {
          ended = true;
          response.onCompleted();
        }
      }
    };
  }

  @Override
  public void deregister(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
    try {
      deregisterChecked(request, response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void deregisterChecked(DeregisterRequest request, StreamObserver<DeregisterResponse> response) {
    FieldViolations bad = new FieldViolations();
    RequestValidator.service(bad, "service", request.getService());
    RequestValidator.instanceId(bad, "instance_id", request.getInstanceId());
    Duration drain =
        RequestValidator.duration(bad, "drain_period", request.hasDrainPeriod(), request.getDrainPeriod(),
            RequestValidator.DEFAULT_DRAIN, Duration.ZERO, Duration.ofMinutes(10));
    bad.throwIfAny();
    requireOwnService(request.getService());
    InstanceKey key = new InstanceKey(request.getService(), request.getInstanceId());
    Instance drained = call(() -> registry.deregister(key, drain));
    response.onNext(DeregisterResponse.newBuilder().setInstance(drained).build());
    response.onCompleted();
  }

  @Override
  public void getInstance(GetInstanceRequest request, StreamObserver<GetInstanceResponse> response) {
    try {
      getInstanceChecked(request, response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void getInstanceChecked(GetInstanceRequest request, StreamObserver<GetInstanceResponse> response) {
    FieldViolations bad = new FieldViolations();
    RequestValidator.service(bad, "service", request.getService());
    RequestValidator.instanceId(bad, "instance_id", request.getInstanceId());
    bad.throwIfAny();
    InstanceKey key = new InstanceKey(request.getService(), request.getInstanceId());
    RegistryView.Entry entry =
        view.get(key).orElseThrow(() -> Status.NOT_FOUND.withDescription("no instance " + key).asRuntimeException());
    response.onNext(GetInstanceResponse.newBuilder().setInstance(entry.entry().instance()).build());
    response.onCompleted();
  }

  @Override
  public void listInstances(ListInstancesRequest request, StreamObserver<ListInstancesResponse> response) {
    try {
      listInstancesChecked(request, response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void listInstancesChecked(ListInstancesRequest request, StreamObserver<ListInstancesResponse> response) {
    FieldViolations bad = new FieldViolations();
    if (!request.getService().isEmpty()) {
      RequestValidator.service(bad, "service", request.getService());
    }
    if (request.getPageSize() < 0) {
      bad.add("page_size", "must not be negative (was " + request.getPageSize() + ")");
    }
    Set<InstanceState> states = new TreeSet<>(request.getStatesList());
    String filters = request.getService() + "|" + states;
    InstanceKey after = null;
    if (!request.getPageToken().isEmpty()) {
      String[] token = decodeToken(request.getPageToken());
      if (token == null || !token[0].equals(filters)) {
        bad.add("page_token", "is not a token of a listing with these filters");
      } else {
        try {
          after = InstanceKey.fromBucketKey(token[1]);
        } catch (IllegalArgumentException e) {
          bad.add("page_token", "is corrupt");
        }
      }
    }
    bad.throwIfAny();
    int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE : Math.min(request.getPageSize(), MAX_PAGE);
    InstanceKey start = after;
    Predicate<Instance> filter =
        i -> (request.getService().isEmpty() || i.getService().equals(request.getService()))
            && (states.isEmpty() || states.contains(i.getState()))
            && (start == null || InstanceKey.of(i).compareTo(start) > 0);
    List<Instance> matching = view.instances(filter);
    ListInstancesResponse.Builder page = ListInstancesResponse.newBuilder();
    page.addAllInstances(matching.subList(0, Math.min(pageSize, matching.size())));
    if (matching.size() > pageSize) {
      page.setNextPageToken(encodeToken(filters, InstanceKey.of(matching.get(pageSize - 1)).bucketKey()));
    }
    response.onNext(page.build());
    response.onCompleted();
  }

  @Override
  public void watchInstances(WatchInstancesRequest request, StreamObserver<WatchInstancesResponse> response) {
    try {
      watchInstancesChecked(request, response);
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  private void watchInstancesChecked(WatchInstancesRequest request, StreamObserver<WatchInstancesResponse> response) {
    FieldViolations bad = new FieldViolations();
    for (int i = 0; i < request.getServicesCount(); i++) {
      RequestValidator.service(bad, "services[" + i + "]", request.getServices(i));
    }
    bad.throwIfAny();
    Set<String> services = Set.copyOf(request.getServicesList());
    Predicate<Instance> filter = i -> services.isEmpty() || services.contains(i.getService());
    ServerCallStreamObserver<WatchInstancesResponse> call = (ServerCallStreamObserver<WatchInstancesResponse>) response;
    RegistryView.Listener listener =
        new RegistryView.Listener() {
          @Override
          public void onEvents(List<InstanceEvent> events) {
            List<InstanceEvent> mine = events.stream().filter(e -> filter.test(e.getInstance())).toList();
            if (!mine.isEmpty() && !call.isCancelled()) {
              call.onNext(WatchInstancesResponse.newBuilder().addAllEvents(mine).build());
            }
          }

          @Override
          public void onClosed() {
            if (!call.isCancelled()) {
              call.onError(Status.UNAVAILABLE.withDescription("control plane draining: watch again").asRuntimeException());
            }
          }
        };
    call.setOnCancelHandler(() -> view.unsubscribe(listener));
    // The view calls listeners under its lock, so the snapshot is sent before any later change.
    synchronized (view) {
      List<Instance> snapshot = view.subscribe(listener, filter);
      for (int from = 0; from < snapshot.size() || from == 0; from += WATCH_SNAPSHOT_BATCH) {
        List<Instance> batch = snapshot.subList(from, Math.min(snapshot.size(), from + WATCH_SNAPSHOT_BATCH));
        boolean last = from + WATCH_SNAPSHOT_BATCH >= snapshot.size();
        call.onNext(
            WatchInstancesResponse.newBuilder()
                .addAllEvents(batch.stream()
                    .map(i -> InstanceEvent.newBuilder().setType(InstanceEventType.INSTANCE_EVENT_TYPE_UPSERTED).setInstance(i).build())
                    .collect(Collectors.toList()))
                .setSnapshotComplete(last)
                .build());
        if (last) {
          break;
        }
      }
    }
  }

  /**
   * Over mTLS, a caller may only register, renew and deregister instances of the service its certificate names; plaintext
   * callers (a local control plane without TLS) are not checked.
   */
  private static void requireOwnService(String service) {
    if (!CallerIdentity.overTls()) {
      return;
    }
    java.util.Optional<String> caller = CallerIdentity.callerService();
    if (caller.isEmpty() || !caller.get().equals(service)) {
      throw Status.PERMISSION_DENIED
          .withDescription("caller " + caller.map(c -> CallerIdentity.SERVICE_PREFIX + c).orElse("without a service identity")
              + " may not register, renew or deregister instances of " + service)
          .asRuntimeException();
    }
  }

  private interface RegistryCall<T> {
    T run() throws Exception;
  }

  private static <T> T call(RegistryCall<T> body) {
    try {
      return body.run();
    } catch (Registry.InstanceNotFoundException e) {
      throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
    } catch (RegistryStore.StoreException e) {
      throw Status.UNAVAILABLE.withDescription("registry store: " + e.getMessage()).withCause(e).asRuntimeException();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException();
    }
  }

  private static String encodeToken(String filters, String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((filters + "\n" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeToken(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      return nl < 0 ? null : new String[] {text.substring(0, nl), text.substring(nl + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
