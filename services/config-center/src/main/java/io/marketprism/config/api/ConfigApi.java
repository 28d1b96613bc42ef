package io.marketprism.config.api;

import io.marketprism.kit.api.Caller;
import io.marketprism.kit.api.CallerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.config.access.AccessPolicy;
import io.marketprism.config.access.Action;
import io.marketprism.config.domain.ConfigEntries;
import io.marketprism.config.domain.EntryName;
import io.marketprism.config.domain.Failures;
import io.marketprism.config.domain.GrayReleases;
import io.marketprism.config.domain.GrayRule;
import io.marketprism.config.domain.Instance;
import io.marketprism.config.domain.KeyPrefixes;
import io.marketprism.config.domain.Revision;
import io.marketprism.config.domain.StoreUnavailableException;
import io.marketprism.config.domain.ValueType;
import io.marketprism.config.nats.AuditQueries;
import io.marketprism.config.v1.AbandonGrayReleaseRequest;
import io.marketprism.config.v1.AbandonGrayReleaseResponse;
import io.marketprism.config.v1.BatchGetRequest;
import io.marketprism.config.v1.BatchGetResponse;
import io.marketprism.config.v1.ConfigServiceGrpc;
import io.marketprism.config.v1.Entry;
import io.marketprism.config.v1.GetSyncStatusRequest;
import io.marketprism.config.v1.GetSyncStatusResponse;
import io.marketprism.config.v1.GrayRelease;
import io.marketprism.config.v1.SyncStatus;
import io.marketprism.config.v1.InstanceLabels;
import io.marketprism.config.v1.PromoteGrayReleaseRequest;
import io.marketprism.config.v1.PromoteGrayReleaseResponse;
import io.marketprism.config.v1.StartGrayReleaseRequest;
import io.marketprism.config.v1.StartGrayReleaseResponse;
import io.marketprism.config.v1.DeleteRequest;
import io.marketprism.config.v1.DeleteResponse;
import io.marketprism.config.v1.GetRequest;
import io.marketprism.config.v1.GetResponse;
import io.marketprism.config.v1.HistoryRequest;
import io.marketprism.config.v1.HistoryResponse;
import io.marketprism.config.v1.ListAuditRequest;
import io.marketprism.config.v1.ListAuditResponse;
import io.marketprism.config.v1.ListRequest;
import io.marketprism.config.v1.ListResponse;
import io.marketprism.config.v1.PutRequest;
import io.marketprism.config.v1.PutResponse;
import io.marketprism.config.v1.RollbackRequest;
import io.marketprism.config.v1.RollbackResponse;
import io.marketprism.config.v1.WatchRequest;
import io.marketprism.config.v1.WatchResponse;
import io.marketprism.kit.api.FieldViolations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The {@code marketprism.config.v1.ConfigService} API: validates each request, checks the caller's access to the
 * namespace, and translates between messages and {@link ConfigEntries}. Must be served behind
 * {@link CallerInterceptor}. Thread-safe.
 */
public final class ConfigApi extends ConfigServiceGrpc.ConfigServiceImplBase {

  private static final int BATCH_MAX = 100;
  private static final int LIST_DEFAULT = 100;
  private static final int LIST_MAX = 1000;
  private static final int HISTORY_DEFAULT = 20;
  private static final int HISTORY_MAX = 64;

  private final ConfigEntries entries;
  private final GrayReleases grays;
  private final AccessPolicy access;
  private final AuditQueries audit;
  private final OpenWatches watches;
  private final int maxValueBytes;
  private final Supplier<List<SyncStatus>> syncStatus;

  public ConfigApi(
      ConfigEntries entries,
      GrayReleases grays,
      AccessPolicy access,
      AuditQueries audit,
      OpenWatches watches,
      int maxValueBytes,
      Supplier<List<SyncStatus>> syncStatus) {
    this.entries = entries;
    this.grays = grays;
    this.access = access;
    this.audit = audit;
    this.watches = watches;
    this.maxValueBytes = maxValueBytes;
    this.syncStatus = syncStatus;
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> response) {
    answer(
        response,
        () -> {
          EntryName name = validName(request.getEnvironment(), request.getNamespace(), request.getKey());
          Caller caller = authorize(name.namespace(), Action.READ);
          Optional<Instance> instance =
              request.hasInstance() ? Optional.of(instance(request.getInstance())) : Optional.empty();
          boolean secrets = access.allows(caller, name.namespace(), Action.READ_SECRETS);
          return GetResponse.newBuilder().setEntry(served(entries.get(name), instance, secrets)).build();
        });
  }

  @Override
  public void batchGet(BatchGetRequest request, StreamObserver<BatchGetResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          RequestChecks.scope(violations, request.getEnvironment(), request.getNamespace());
          RequestChecks.keyList(violations, "keys", request.getKeysList(), BATCH_MAX);
          violations.throwIfAny();
          Caller caller = authorize(request.getNamespace(), Action.READ);
          Optional<Instance> instance =
              request.hasInstance() ? Optional.of(instance(request.getInstance())) : Optional.empty();
          boolean secrets = access.allows(caller, request.getNamespace(), Action.READ_SECRETS);
          BatchGetResponse.Builder answer = BatchGetResponse.newBuilder();
          for (String key : request.getKeysList()) {
            Optional<Revision> current =
                entries.current(new EntryName(request.getEnvironment(), request.getNamespace(), key))
                    .filter(r -> !r.value().deleted());
            if (current.isPresent()) {
              answer.addEntries(served(current.get(), instance, secrets));
            } else {
              answer.addMissingKeys(key);
            }
          }
          return answer.build();
        });
  }

  /** What a reader gets for an entry: the gray value if its instance gets one, a secret only if it may read them. */
  private Entry served(Revision current, Optional<Instance> instance, boolean mayReadSecrets) {
    Revision revision = instance.flatMap(i -> grays.forInstance(current.name(), i)).orElse(current);
    return !revision.value().isSecret() || mayReadSecrets
        ? EntryMessages.revealed(revision, entries.reveal(revision))
        : EntryMessages.masked(revision);
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          EntryName name = RequestChecks.name(violations, request.getEnvironment(), request.getNamespace(), request.getKey());
          ValueType type = RequestChecks.value(violations, request.getValue(), request.getValueType(), maxValueBytes);
          RequestChecks.notNegative(violations, "expected_version", request.getExpectedVersion());
          violations.throwIfAny();
          Caller caller = authorize(name.namespace(), Action.WRITE);
          if (request.getSecret()) {
            access.check(caller, name.namespace(), Action.READ_SECRETS);
          }
          long version =
              entries.put(
                  name, request.getValue(), type, request.getSecret(), expected(request.hasExpectedVersion(), request.getExpectedVersion()), caller.toString());
          return PutResponse.newBuilder().setVersion(version).build();
        });
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          EntryName name = RequestChecks.name(violations, request.getEnvironment(), request.getNamespace(), request.getKey());
          RequestChecks.notNegative(violations, "expected_version", request.getExpectedVersion());
          violations.throwIfAny();
          Caller caller = authorize(name.namespace(), Action.WRITE);
          long version =
              entries.delete(name, expected(request.hasExpectedVersion(), request.getExpectedVersion()), caller.toString());
          return DeleteResponse.newBuilder().setVersion(version).build();
        });
  }

  @Override
  public void list(ListRequest request, StreamObserver<ListResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          RequestChecks.scope(violations, request.getEnvironment(), request.getNamespace());
          RequestChecks.key(violations, "key_prefix", request.getKeyPrefix(), true);
          int pageSize = RequestChecks.pageSize(violations, request.getPageSize(), LIST_DEFAULT, LIST_MAX);
          String scope = "list|" + request.getEnvironment() + "|" + request.getNamespace() + "|" + request.getKeyPrefix();
          String after = pageStart(violations, request.getPageToken(), scope);
          violations.throwIfAny();
          authorize(request.getNamespace(), Action.READ);
          ConfigEntries.Page page =
              entries.list(request.getEnvironment(), request.getNamespace(), request.getKeyPrefix(), after, pageSize);
          ListResponse.Builder answer = ListResponse.newBuilder().setRevision(page.revision());
          page.entries().forEach(r -> answer.addEntries(EntryMessages.masked(r)));
          page.lastKey().ifPresent(last -> answer.setNextPageToken(PageTokens.encode(scope, last)));
          return answer.build();
        });
  }

  @Override
  public void history(HistoryRequest request, StreamObserver<HistoryResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          EntryName name = RequestChecks.name(violations, request.getEnvironment(), request.getNamespace(), request.getKey());
          int pageSize = RequestChecks.pageSize(violations, request.getPageSize(), HISTORY_DEFAULT, HISTORY_MAX);
          String scope = "history|" + name;
          String start = pageStart(violations, request.getPageToken(), scope);
          long skip = start.isEmpty() ? 0 : parsePosition(violations, start);
          violations.throwIfAny();
          authorize(name.namespace(), Action.READ);
          List<Revision> history = entries.history(name);
          HistoryResponse.Builder answer = HistoryResponse.newBuilder();
          // newest first; a page resumes below the last version it showed, so writes meanwhile shift nothing
          history.stream()
              .filter(r -> skip == 0 || r.version() < skip)
              .limit(pageSize)
              .forEach(r -> answer.addEntries(EntryMessages.masked(r)));
          int shown = answer.getEntriesCount();
          if (shown == pageSize) {
            long lowest = answer.getEntries(shown - 1).getVersion();
            if (history.stream().anyMatch(r -> r.version() < lowest)) {
              answer.setNextPageToken(PageTokens.encode(scope, Long.toString(lowest)));
            }
          }
          return answer.build();
        });
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          EntryName name = RequestChecks.name(violations, request.getEnvironment(), request.getNamespace(), request.getKey());
          RequestChecks.positive(violations, "version", request.getVersion());
          RequestChecks.notNegative(violations, "expected_version", request.getExpectedVersion());
          violations.throwIfAny();
          Caller caller = authorize(name.namespace(), Action.WRITE);
          Revision restored =
              entries.rollback(
                  name,
                  request.getVersion(),
                  expected(request.hasExpectedVersion(), request.getExpectedVersion()),
                  caller.toString());
          return RollbackResponse.newBuilder().setEntry(EntryMessages.masked(restored)).build();
        });
  }

  @Override
  public void listAudit(ListAuditRequest request, StreamObserver<ListAuditResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          RequestChecks.scope(violations, request.getEnvironment(), request.getNamespace());
          int pageSize = RequestChecks.pageSize(violations, request.getPageSize(), LIST_DEFAULT, LIST_MAX);
          String scope = "audit|" + request.getEnvironment() + "|" + request.getNamespace();
          String start = pageStart(violations, request.getPageToken(), scope);
          long from = start.isEmpty() ? 1 : parsePosition(violations, start);
          violations.throwIfAny();
          authorize(request.getNamespace(), Action.READ);
          AuditQueries.Page page = audit.read(request.getEnvironment(), request.getNamespace(), from, pageSize);
          return ListAuditResponse.newBuilder()
              .addAllRecords(page.records())
              .setNextPageToken(PageTokens.encode(scope, Long.toString(page.nextSequence())))
              .build();
        });
  }

  @Override
  public void startGrayRelease(StartGrayReleaseRequest request, StreamObserver<StartGrayReleaseResponse> response) {
    answer(
        response,
        () -> {
          FieldViolations violations = new FieldViolations();
          EntryName name = RequestChecks.name(violations, request.getEnvironment(), request.getNamespace(), request.getKey());
          ValueType type = RequestChecks.value(violations, request.getValue(), request.getValueType(), maxValueBytes);
          GrayRule rule = RequestChecks.grayRule(violations, request.getRule());
          violations.throwIfAny();
          Caller caller = authorize(name.namespace(), Action.WRITE);
          Revision started = grays.start(name, request.getValue(), type, rule, caller.toString());
          return StartGrayReleaseResponse.newBuilder()
              .setRelease(GrayRelease.newBuilder().setEntry(EntryMessages.masked(started)).setRule(request.getRule()))
              .build();
        });
  }

  @Override
  public void promoteGrayRelease(
      PromoteGrayReleaseRequest request, StreamObserver<PromoteGrayReleaseResponse> response) {
    answer(
        response,
        () -> {
          EntryName name = validName(request.getEnvironment(), request.getNamespace(), request.getKey());
          Caller caller = authorize(name.namespace(), Action.WRITE);
          return PromoteGrayReleaseResponse.newBuilder().setVersion(grays.promote(name, caller.toString())).build();
        });
  }

  @Override
  public void abandonGrayRelease(
      AbandonGrayReleaseRequest request, StreamObserver<AbandonGrayReleaseResponse> response) {
    answer(
        response,
        () -> {
          EntryName name = validName(request.getEnvironment(), request.getNamespace(), request.getKey());
          Caller caller = authorize(name.namespace(), Action.WRITE);
          return AbandonGrayReleaseResponse.newBuilder().setVersion(grays.abandon(name, caller.toString())).build();
        });
  }

  @Override
  public void getSyncStatus(GetSyncStatusRequest request, StreamObserver<GetSyncStatusResponse> response) {
    // which namespaces mirror which site is deployment configuration, not configuration data: any caller may see it
    answer(response, () -> GetSyncStatusResponse.newBuilder().addAllNamespaces(syncStatus.get()).build());
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchResponse> response) {
    ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) response;
    try {
      FieldViolations violations = new FieldViolations();
      RequestChecks.scope(violations, request.getEnvironment(), request.getNamespace());
      RequestChecks.key(violations, "key_prefix", request.getKeyPrefix(), true);
      RequestChecks.notNegative(violations, "start_version", request.getStartVersion());
      violations.throwIfAny();
      authorize(request.getNamespace(), Action.READ);
      if (watches.draining()) {
        throw OpenWatches.unavailable().asRuntimeException();
      }
      Optional<Instance> instance =
          request.hasInstance() ? Optional.of(instance(request.getInstance())) : Optional.empty();
      Map<String, Revision> grayAtStart = new HashMap<>();
      if (instance.isPresent() && request.getStartVersion() > 0) {
        // a catch-up replays only what changed after start_version: releases begun before it come from here
        for (Revision gray : entries.activeGrays(request.getEnvironment(), request.getNamespace())) {
          if (KeyPrefixes.covers(request.getKeyPrefix(), gray.name().key())
              && gray.value().grayRule().matches(instance.get(), gray.name().key())) {
            grayAtStart.put(gray.name().key(), gray);
          }
        }
      }
      WatchStream stream =
          new WatchStream(call, request.getStartVersion() == 0, instance, entries::current, grayAtStart);
      call.setOnCancelHandler(
          () -> {
            stream.cancelled();
            watches.remove(stream);
          });
      watches.add(stream);
      try {
        stream.attach(
            entries.watch(
                request.getEnvironment(),
                request.getNamespace(),
                request.getKeyPrefix(),
                request.getStartVersion(),
                stream));
      } catch (RuntimeException e) {
        // OUT_OF_RANGE or a store failure: the call ends here, so the drain has nothing to end later
        watches.remove(stream);
        throw e;
      }
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (StoreUnavailableException e) {
      response.onError(Failures.unavailable(e.getMessage(), e));
    } catch (RuntimeException e) {
      // the kit logs INTERNAL with its cause; the caller learns no more than that it may not retry blindly
      response.onError(io.grpc.Status.INTERNAL.withDescription("watch failed to start").withCause(e).asRuntimeException());
    }
  }

  private static Instance instance(InstanceLabels labels) {
    return new Instance(labels.getService(), labels.getVersion(), labels.getZone(), labels.getInstanceId());
  }

  private static EntryName validName(String environment, String namespace, String key) {
    FieldViolations violations = new FieldViolations();
    EntryName name = RequestChecks.name(violations, environment, namespace, key);
    violations.throwIfAny();
    return name;
  }

  private Caller authorize(String namespace, Action action) {
    Caller caller = CallerInterceptor.current();
    access.check(caller, namespace, action);
    return caller;
  }

  private static OptionalLong expected(boolean present, long value) {
    return present ? OptionalLong.of(value) : OptionalLong.empty();
  }

  private static String pageStart(FieldViolations violations, String token, String scope) {
    if (token.isEmpty()) {
      return "";
    }
    return PageTokens.decode(token, scope)
        .orElseGet(
            () -> {
              violations.add("page_token", "is not a token of this request (same environment, namespace and filter)");
              return "";
            });
  }

  private static long parsePosition(FieldViolations violations, String position) {
    try {
      return Long.parseLong(position);
    } catch (NumberFormatException e) {
      violations.add("page_token", "is malformed");
      return 0;
    }
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
    T answer;
    try {
      answer = work.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (StoreUnavailableException e) {
      response.onError(Failures.unavailable(e.getMessage(), e));
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }
}
