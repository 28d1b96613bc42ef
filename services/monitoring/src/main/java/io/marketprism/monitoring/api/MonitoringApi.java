package io.marketprism.monitoring.api;

import com.google.protobuf.Any;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.kit.api.CallerInterceptor;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.monitoring.alerts.AlertBook;
import io.marketprism.monitoring.alerts.AlertFeed;
import io.marketprism.monitoring.alerts.Silences;
import io.marketprism.monitoring.instances.InstanceDirectory;
import io.marketprism.monitoring.rules.AlertRules;
import io.marketprism.monitoring.rules.LabelMatchers;
import io.marketprism.monitoring.rules.RuleValidation;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.store.MonitoringStore;
import io.marketprism.monitoring.store.StoreUnavailableException;
import io.marketprism.monitoring.v1.Alert;
import io.marketprism.monitoring.v1.AlertRule;
import io.marketprism.monitoring.v1.AlertState;
import io.marketprism.monitoring.v1.CreateAlertRuleRequest;
import io.marketprism.monitoring.v1.CreateAlertRuleResponse;
import io.marketprism.monitoring.v1.CreateSilenceRequest;
import io.marketprism.monitoring.v1.CreateSilenceResponse;
import io.marketprism.monitoring.v1.DeleteAlertRuleRequest;
import io.marketprism.monitoring.v1.DeleteAlertRuleResponse;
import io.marketprism.monitoring.v1.DeleteSilenceRequest;
import io.marketprism.monitoring.v1.DeleteSilenceResponse;
import io.marketprism.monitoring.v1.GetAlertRuleRequest;
import io.marketprism.monitoring.v1.GetAlertRuleResponse;
import io.marketprism.monitoring.v1.Health;
import io.marketprism.monitoring.v1.LabelMatcher;
import io.marketprism.monitoring.v1.ListAlertRulesRequest;
import io.marketprism.monitoring.v1.ListAlertRulesResponse;
import io.marketprism.monitoring.v1.ListAlertsRequest;
import io.marketprism.monitoring.v1.ListAlertsResponse;
import io.marketprism.monitoring.v1.ListInstancesRequest;
import io.marketprism.monitoring.v1.ListInstancesResponse;
import io.marketprism.monitoring.v1.ListSilencesRequest;
import io.marketprism.monitoring.v1.ListSilencesResponse;
import io.marketprism.monitoring.v1.MonitoringServiceGrpc;
import io.marketprism.monitoring.v1.Severity;
import io.marketprism.monitoring.v1.Silence;
import io.marketprism.monitoring.v1.SilenceState;
import io.marketprism.monitoring.v1.UpdateAlertRuleRequest;
import io.marketprism.monitoring.v1.UpdateAlertRuleResponse;
import io.marketprism.monitoring.v1.WatchAlertsRequest;
import io.marketprism.monitoring.v1.WatchAlertsResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@code marketprism.monitoring.v1.MonitoringService} API: validates, translates and answers; the work is done
 * by the instance directory, the rules, the alert book and the silences. Domain failures map to the contract's codes
 * (NOT_FOUND, ALREADY_EXISTS, ABORTED with {@code STALE_VERSION}, UNAVAILABLE when the store is).
 */
public final class MonitoringApi extends MonitoringServiceGrpc.MonitoringServiceImplBase {

  /** The api-gateway, whose forwarded users are believed as callers. */
  private static final String GATEWAY = "spiffe://marketprism/service/api-gateway";
  private static final int MAX_COMMENT = 1024;
  private static final Set<AlertState> ACTIVE = EnumSet.of(AlertState.ALERT_STATE_PENDING, AlertState.ALERT_STATE_FIRING);

  private final InstanceDirectory instances;
  private final AlertRules rules;
  private final AlertBook alerts;
  private final Silences silences;
  private final AlertFeed feed;
  private final MonitoringStore store;
  private final Clock clock;

  public MonitoringApi(InstanceDirectory instances, AlertRules rules, AlertBook alerts, Silences silences,
      AlertFeed feed, MonitoringStore store, Clock clock) {
    this.instances = instances;
    this.rules = rules;
    this.alerts = alerts;
    this.silences = silences;
    this.feed = feed;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The interceptor that reads the caller for {@code created_by}; the service adds it around this API. Without TLS the
   * caller is {@code anonymous}, since a plaintext caller can claim to be anyone.
   */
  public static io.grpc.ServerInterceptor callers() {
    return new CallerInterceptor(GATEWAY, "anonymous");
  }

  @Override
  public void listInstances(ListInstancesRequest request, StreamObserver<ListInstancesResponse> response) {
    answer(response, () -> {
      if (request.getHealth() == Health.UNRECOGNIZED) {
        throw FieldViolations.single("health", "unknown health value");
      }
      return ListInstancesResponse.newBuilder()
          .addAllInstances(instances.list(request.getService(), request.getHealth())).build();
    });
  }

  @Override
  public void createAlertRule(CreateAlertRuleRequest request, StreamObserver<CreateAlertRuleResponse> response) {
    answer(response, () -> {
      FieldViolations bad = new FieldViolations();
      if (!request.hasRule()) {
        bad.add("rule", "required");
      } else {
        RuleValidation.check(request.getRule(), "rule", bad);
      }
      bad.throwIfAny();
      return CreateAlertRuleResponse.newBuilder().setRule(rules.create(request.getRule())).build();
    });
  }

  @Override
  public void getAlertRule(GetAlertRuleRequest request, StreamObserver<GetAlertRuleResponse> response) {
    answer(response, () -> GetAlertRuleResponse.newBuilder().setRule(rules.get(ruleId(request.getRuleId(), "rule_id"))
        .orElseThrow(() -> new AlertRules.NoSuchRuleException(request.getRuleId()))).build());
  }

  @Override
  public void listAlertRules(ListAlertRulesRequest request, StreamObserver<ListAlertRulesResponse> response) {
    answer(response, () -> {
      if (request.getSeverity() == Severity.UNRECOGNIZED) {
        throw FieldViolations.single("severity", "unknown severity");
      }
      int size = PageToken.size(request.getPageSize(), "page_size");
      int filters = Objects.hash(request.getSeverity());
      String after = PageToken.decode(request.getPageToken(), filters);
      List<AlertRule> page = new ArrayList<>();
      ListAlertRulesResponse.Builder answer = ListAlertRulesResponse.newBuilder();
      for (AlertRule rule : rules.list()) {
        if (rule.getRuleId().compareTo(after) <= 0
            || (request.getSeverity() != Severity.SEVERITY_UNSPECIFIED && rule.getSeverity() != request.getSeverity())) {
          continue;
        }
        if (page.size() == size) {
          answer.setNextPageToken(PageToken.encode(filters, page.get(size - 1).getRuleId()));
          break;
        }
        page.add(rule);
      }
      return answer.addAllRules(page).build();
    });
  }

  @Override
  public void updateAlertRule(UpdateAlertRuleRequest request, StreamObserver<UpdateAlertRuleResponse> response) {
    answer(response, () -> {
      FieldViolations bad = new FieldViolations();
      if (!request.hasRule()) {
        bad.add("rule", "required");
      }
      AlertRules.checkMask(request.getUpdateMask(), bad);
      bad.throwIfAny();
      ruleId(request.getRule().getRuleId(), "rule.rule_id");
      RuleValidation.checkBody(rules.merged(request.getRule(), request.getUpdateMask()), "rule", bad);
      bad.throwIfAny();
      OptionalLong expected = request.hasExpectedVersion()
          ? OptionalLong.of(request.getExpectedVersion()) : OptionalLong.empty();
      return UpdateAlertRuleResponse.newBuilder()
          .setRule(rules.update(request.getRule(), request.getUpdateMask(), expected)).build();
    });
  }

  @Override
  public void deleteAlertRule(DeleteAlertRuleRequest request, StreamObserver<DeleteAlertRuleResponse> response) {
    answer(response, () -> {
      rules.delete(ruleId(request.getRuleId(), "rule_id"),
          request.hasExpectedVersion() ? OptionalLong.of(request.getExpectedVersion()) : OptionalLong.empty());
      return DeleteAlertRuleResponse.getDefaultInstance();
    });
  }

  @Override
  public void listAlerts(ListAlertsRequest request, StreamObserver<ListAlertsResponse> response) {
    answer(response, () -> {
      FieldViolations bad = new FieldViolations();
      Set<AlertState> states = EnumSet.noneOf(AlertState.class);
      for (int i = 0; i < request.getStatesCount(); i++) {
        AlertState state = request.getStates(i);
        if (state == AlertState.ALERT_STATE_UNSPECIFIED || state == AlertState.UNRECOGNIZED) {
          bad.add("states[" + i + "]", "must be PENDING, FIRING or RESOLVED");
        }
        states.add(state);
      }
      Predicate<Alert> filter = alertFilter(request.getMinSeverity(), request.getMatchersList(),
          request.getIncludeSilenced(), "", bad);
      int size = PageToken.size(request.getPageSize(), "page_size");
      bad.throwIfAny();
      Set<AlertState> wanted = states.isEmpty() ? ACTIVE : states;
      int filters = Objects.hash(wanted, request.getMinSeverity(), request.getMatchersList(),
          request.getIncludeSilenced());
      int offset = offset(PageToken.decode(request.getPageToken(), filters));
      List<Alert> matching = alerts.all().stream().filter(a -> wanted.contains(a.getState())).filter(filter).toList();
      ListAlertsResponse.Builder answer = ListAlertsResponse.newBuilder()
          .addAllAlerts(matching.subList(Math.min(offset, matching.size()), Math.min(offset + size, matching.size())));
      if (offset + size < matching.size()) {
        answer.setNextPageToken(PageToken.encode(filters, Integer.toString(offset + size)));
      }
      return answer.build();
    });
  }

  @Override
  public void watchAlerts(WatchAlertsRequest request, StreamObserver<WatchAlertsResponse> response) {
    FieldViolations bad = new FieldViolations();
    Predicate<Alert> filter;
    try {
      filter = alertFilter(request.getMinSeverity(), request.getMatchersList(), request.getIncludeSilenced(), "",
          bad);
      bad.throwIfAny();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    ServerCallStreamObserver<WatchAlertsResponse> stream = (ServerCallStreamObserver<WatchAlertsResponse>) response;
    AlertWatch watch = new AlertWatch(stream, filter, feed);
    // registered before the snapshot is taken: a change in between is sent (again) after it, never missed
    feed.add(watch);
    stream.setOnCancelHandler(() -> feed.remove(watch));
    watch.start(alerts.all().stream().filter(a -> ACTIVE.contains(a.getState())).toList());
  }

  @Override
  public void createSilence(CreateSilenceRequest request, StreamObserver<CreateSilenceResponse> response) {
    answer(response, () -> {
      Silence requested = request.getSilence();
      long now = Nanos.now(clock);
      FieldViolations bad = new FieldViolations();
      if (requested.getMatchersCount() == 0) {
        bad.add("silence.matchers", "at least one matcher is required");
      }
      LabelMatchers.check(requested.getMatchersList(), "silence.matchers", bad);
      long start = requested.hasStartTime() ? Timestamps.toNanos(requested.getStartTime()) : now;
      if (!requested.hasEndTime()) {
        bad.add("silence.end_time", "required");
      } else {
        long end = Timestamps.toNanos(requested.getEndTime());
        if (end <= start) {
          bad.add("silence.end_time", "must be after start_time");
        } else if (end <= now) {
          bad.add("silence.end_time", "must be in the future");
        }
      }
      if (requested.getComment().isBlank() || requested.getComment().length() > MAX_COMMENT) {
        bad.add("silence.comment", "must be 1 to 1024 characters");
      }
      bad.throwIfAny();
      Silence silence = requested.toBuilder()
          .setSilenceId(UUID.randomUUID().toString())
          .setStartTime(Timestamps.fromNanos(start))
          .setCreatedBy(CallerInterceptor.current().identity())
          .setCreateTime(Timestamps.fromNanos(now))
          .clearState()
          .build();
      store.putSilence(silence);
      silences.put(silence);
      return CreateSilenceResponse.newBuilder().setSilence(silences.get(silence.getSilenceId(), now).orElseThrow())
          .build();
    });
  }

  @Override
  public void listSilences(ListSilencesRequest request, StreamObserver<ListSilencesResponse> response) {
    answer(response, () -> {
      FieldViolations bad = new FieldViolations();
      Set<SilenceState> states = EnumSet.noneOf(SilenceState.class);
      for (int i = 0; i < request.getStatesCount(); i++) {
        SilenceState state = request.getStates(i);
        if (state == SilenceState.SILENCE_STATE_UNSPECIFIED || state == SilenceState.UNRECOGNIZED) {
          bad.add("states[" + i + "]", "must be PENDING, ACTIVE or EXPIRED");
        }
        states.add(state);
      }
      int size = PageToken.size(request.getPageSize(), "page_size");
      bad.throwIfAny();
      Set<SilenceState> wanted = states.isEmpty()
          ? EnumSet.of(SilenceState.SILENCE_STATE_PENDING, SilenceState.SILENCE_STATE_ACTIVE) : states;
      int filters = wanted.hashCode();
      int offset = offset(PageToken.decode(request.getPageToken(), filters));
      List<Silence> matching = silences.all(Nanos.now(clock)).stream().filter(s -> wanted.contains(s.getState()))
          .toList();
      ListSilencesResponse.Builder answer = ListSilencesResponse.newBuilder()
          .addAllSilences(matching.subList(Math.min(offset, matching.size()), Math.min(offset + size, matching.size())));
      if (offset + size < matching.size()) {
        answer.setNextPageToken(PageToken.encode(filters, Integer.toString(offset + size)));
      }
      return answer.build();
    });
  }

  @Override
  public void deleteSilence(DeleteSilenceRequest request, StreamObserver<DeleteSilenceResponse> response) {
    answer(response, () -> {
      if (request.getSilenceId().isEmpty()) {
        throw FieldViolations.single("silence_id", "required");
      }
      long now = Nanos.now(clock);
      Silence silence = silences.get(request.getSilenceId(), now)
          .orElseThrow(() -> Status.NOT_FOUND.withDescription("no silence \"" + request.getSilenceId() + "\"")
              .asRuntimeException());
      if (silence.getState() != SilenceState.SILENCE_STATE_EXPIRED) {
        Silence.Builder expired = silence.toBuilder().clearState().setEndTime(Timestamps.fromNanos(now));
        if (Timestamps.toNanos(silence.getStartTime()) > now) {
          expired.setStartTime(Timestamps.fromNanos(now));
        }
        store.putSilence(expired.build());
        silences.put(expired.build());
      }
      return DeleteSilenceResponse.newBuilder().setSilence(silences.get(request.getSilenceId(), now).orElseThrow())
          .build();
    });
  }

  private static Predicate<Alert> alertFilter(Severity minSeverity, List<LabelMatcher> matchers,
      boolean includeSilenced, String prefix, FieldViolations bad) {
    if (minSeverity == Severity.UNRECOGNIZED) {
      bad.add(prefix + "min_severity", "unknown severity");
    }
    LabelMatchers.check(matchers, prefix + "matchers", bad);
    if (!bad.isEmpty()) {
      return alert -> false;
    }
    LabelMatchers compiled = LabelMatchers.compile(matchers);
    return alert -> alert.getSeverityValue() >= minSeverity.getNumber()
        && (includeSilenced || alert.getSilencedByCount() == 0)
        && (compiled.isEmpty() || compiled.matches(Labels.of(alert.getLabelsMap())));
  }

  private static String ruleId(String ruleId, String field) {
    if (!RuleValidation.RULE_ID.matcher(ruleId).matches()) {
      throw FieldViolations.single(field, "must be 1 to 63 characters of [a-z0-9-], starting with a letter");
    }
    return ruleId;
  }

  private static int offset(String position) {
    if (position.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(position));
    } catch (NumberFormatException e) {
      throw FieldViolations.single("page_token", "not a token of this request's filters; start again without one");
    }
  }

  /** Runs {@code work}, answering its result or the contract's error for what went wrong. */
  private static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
    T result;
    try {
      result = work.get();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    } catch (AlertRules.NoSuchRuleException e) {
      response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (AlertRules.RuleExistsException e) {
      response.onError(Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (AlertRules.StaleVersionException e) {
      response.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
          .setCode(Code.ABORTED_VALUE)
          .setMessage(e.getMessage())
          .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("STALE_VERSION")
              .setDomain("monitoring.marketprism.io").build()))
          .build()));
      return;
    } catch (StoreUnavailableException e) {
      response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
