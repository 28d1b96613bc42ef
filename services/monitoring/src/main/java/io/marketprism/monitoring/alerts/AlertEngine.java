package io.marketprism.monitoring.alerts;

import io.marketprism.monitoring.notify.Notifier;
import io.marketprism.monitoring.rules.AlertRules;
import io.marketprism.monitoring.rules.CompiledRule;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.series.SeriesStore;
import io.marketprism.monitoring.store.MonitoringStore;
import io.marketprism.monitoring.v1.Alert;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation loop. It starts once the signals have warmed up (see {@code MonitoringService}): evaluated over an
 * empty store, every alert restored after a restart would resolve and fire again. Every tick it evaluates the rules that are due (each on its own evaluation interval, and at
 * once after a change of the rule), resolves the alerts of deleted or disabled rules, re-applies silences, and then,
 * in this order: queues notifications in the outbox (stored before anything else, so a crash cannot lose one), stores
 * the alerts' new state, and tells the watchers.
 *
 * <p>Thread-safe: all work runs on its one thread.
 */
public final class AlertEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);

  private record Due(long version, long nextNanos) {}

  private final AlertRules rules;
  private final AlertBook book;
  private final Silences silences;
  private final SeriesStore series;
  private final MonitoringStore store;
  private final Notifier notifier;
  private final AlertFeed feed;
  private final Clock clock;
  private final Duration tick;
  private final Duration staleAfter;
  private final BooleanSupplier draining;
  private final BooleanSupplier warmedUp;
  private final Map<String, Due> due = new HashMap<>();
  private final Histogram evaluationSeconds;
  private final Counter failures;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rule-evaluation");
    t.setDaemon(true);
    return t;
  });
  private boolean drained;

  public AlertEngine(AlertRules rules, AlertBook book, Silences silences, SeriesStore series, MonitoringStore store,
      Notifier notifier, AlertFeed feed, Clock clock, Duration tick, Duration staleAfter, BooleanSupplier draining,
      BooleanSupplier warmedUp, PrometheusRegistry metrics) {
    this.rules = rules;
    this.book = book;
    this.silences = silences;
    this.series = series;
    this.store = store;
    this.notifier = notifier;
    this.feed = feed;
    this.clock = clock;
    this.tick = tick;
    this.staleAfter = staleAfter;
    this.draining = draining;
    this.warmedUp = warmedUp;
    this.evaluationSeconds = Histogram.builder()
        .name("marketprism_monitoring_rule_evaluation_seconds")
        .help("Time to evaluate the rules due in one tick")
        .register(metrics);
    this.failures = Counter.builder()
        .name("marketprism_monitoring_evaluation_failures_total")
        .help("Evaluation ticks that failed (e.g. the store was unavailable); retried at the next tick")
        .register(metrics);
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      if (draining.getAsBoolean()) {
        if (!drained) {
          drained = true;
          feed.drain();
        }
        return;
      }
      if (!warmedUp.getAsBoolean()) {
        return;
      }
      long started = System.nanoTime();
      long now = Nanos.now(clock);
      List<AlertBook.Change> changes = new ArrayList<>();
      List<CompiledRule> compiled = rules.compiled();
      Set<String> evaluable = new HashSet<>();
      for (CompiledRule rule : compiled) {
        evaluable.add(rule.ruleId());
        Due when = due.get(rule.ruleId());
        if (when == null || when.version() != rule.rule().getVersion() || now >= when.nextNanos()) {
          changes.addAll(evaluate(rule, now));
          due.put(rule.ruleId(), new Due(rule.rule().getVersion(), now + rule.intervalNanos()));
        }
      }
      due.keySet().retainAll(evaluable);
      for (String ruleId : book.activeRuleIds()) {
        if (!evaluable.contains(ruleId)) {
          changes.addAll(book.resolveRule(ruleId, now));
        }
      }
      changes.addAll(book.resilence(now, silences));
      book.purge(now).forEach(store::deleteAlert);
      publish(changes, now);
      if (notifier.hasWaiting()) {
        notifier.flush(book.firingUnsilenced(), now);
      }
      evaluationSeconds.observe((System.nanoTime() - started) / 1e9);
    } catch (RuntimeException e) {
      failures.inc();
      log.error("rule evaluation failed; retrying at the next tick", e);
    }
  }

  private List<AlertBook.Change> evaluate(CompiledRule rule, long now) {
    Map<Labels, Double> active = new HashMap<>();
    rule.evaluate(series, now, now - staleAfter.toNanos(), active::put);
    return book.apply(rule, active, now, silences);
  }

  private void publish(List<AlertBook.Change> changes, long now) {
    if (changes.isEmpty()) {
      return;
    }
    // the last change of an alert within the tick is its state
    Map<String, AlertBook.Change> latest = new HashMap<>();
    List<Alert> toNotify = new ArrayList<>();
    for (AlertBook.Change change : changes) {
      latest.put(change.after().alert().getAlertId(), change);
      if (change.notifies()) {
        toNotify.add(change.after().alert());
      }
    }
    notifier.notify(toNotify, book.firingUnsilenced(), now);
    List<Alert> changed = new ArrayList<>();
    latest.values().forEach(change -> {
      store.putAlert(change.after());
      changed.add(change.after().alert());
    });
    feed.publish(changed);
  }

  /**
   * Stops after the tick in progress: its notifications are in the outbox but its alert states may not be stored
   * yet, and a stop in between would make the next start notify those alerts again.
   */
  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
      log.warn("the evaluation in progress did not finish in 10s; interrupting it");
      timer.shutdownNow();
    }
  }
}
