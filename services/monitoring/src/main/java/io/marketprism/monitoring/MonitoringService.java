package io.marketprism.monitoring;

import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ServerInterceptors;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.client.ControlPlaneChannel;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.monitoring.alerts.AlertBook;
import io.marketprism.monitoring.alerts.AlertEngine;
import io.marketprism.monitoring.alerts.AlertFeed;
import io.marketprism.monitoring.alerts.Silences;
import io.marketprism.monitoring.api.MonitoringApi;
import io.marketprism.monitoring.instances.InstanceDirectory;
import io.marketprism.monitoring.notify.Notifier;
import io.marketprism.monitoring.notify.Outbox;
import io.marketprism.monitoring.rules.AlertRules;
import io.marketprism.monitoring.rules.RulesFile;
import io.marketprism.monitoring.scrape.MetricsScraper;
import io.marketprism.monitoring.series.SeriesStore;
import io.marketprism.monitoring.signals.ConsumerLag;
import io.marketprism.monitoring.signals.ExportedSignals;
import io.marketprism.monitoring.signals.FeedStaleness;
import io.marketprism.monitoring.store.MonitoringStore;
import io.nats.client.Connection;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring service: the mesh's instances from the control plane's registry, signals scraped from every
 * instance's {@code /metrics} and derived from the data (feed staleness), alert rules evaluated over them, alerts
 * with silences, grouped notifications to webhooks and {@code sys.alerts} through a persistent outbox.
 */
public final class MonitoringService extends MarketPrismService<MonitoringConfig> {

  private static final Logger log = LoggerFactory.getLogger(MonitoringService.class);

  private final Clock clock = Clock.systemUTC();
  private InstanceDirectory instances;
  private MetricsScraper scraper;
  private FeedStaleness staleness;
  private ConsumerLag consumerLag;
  private Outbox outbox;
  private AlertEngine engine;

  public MonitoringService() {
    super("monitoring", MonitoringConfig.class);
  }

  @Override
  protected List<BindableService> services(MonitoringConfig config, ServiceContext ctx) throws Exception {
    Connection nats = ctx.shutdown().register("NATS connection",
        NatsConnections.connect(config.nats(), name(), ctx.metrics()));
    // sys.alerts notifications are stored by SYSTEM_EVENTS
    DefaultStreams.ensure(nats, config.nats().streams());
    MonitoringStore store = MonitoringStore.open(nats, config.store().bucket(), config.store().fileStorage());

    AlertRules rules = new AlertRules(store, clock);
    rules.restore();
    if (!config.rules().file().isBlank()) {
      RulesFile.read(Path.of(config.rules().file())).forEach(rules::install);
    }
    Silences silences = new Silences();
    store.silences().forEach(silences::put);
    AlertBook book = new AlertBook();
    var alerts = store.alerts();
    book.restore(alerts);
    log.atInfo().addKeyValue("rules", rules.list().size()).addKeyValue("alerts", alerts.size())
        .log("restored {} rules and {} alerts from bucket {}", rules.list().size(), alerts.size(),
            config.store().bucket());
    AlertFeed feed = new AlertFeed();

    SeriesStore series = new SeriesStore(config.scrape().samplesPerSeries());
    instances = ctx.shutdown().register("registry watch", new InstanceDirectory(channel(ctx, ControlPlaneChannel.SERVICE)));
    scraper = ctx.shutdown().register("scraper", new MetricsScraper(config.scrape(), instances, series, clock, name()));
    Optional<Channel> collector = config.feeds().enabled() ? channel(ctx, config.feeds().collector()) : Optional.empty();
    if (collector.isPresent()) {
      staleness = ctx.shutdown().register("feed staleness",
          new FeedStaleness(collector.get(), nats, series, clock, config.feeds().interval()));
    }
    if (config.consumers().enabled()) {
      consumerLag = ctx.shutdown().register("consumer lag",
          new ConsumerLag(nats, series, clock, config.consumers().interval()));
    }
    ExportedSignals.register(series, ctx.metrics());
    outbox = ctx.shutdown().register("outbox", new Outbox(store, nats, config.notifications(), ctx.metrics()));
    Notifier notifier = new Notifier(config.notifications(), outbox, store);
    notifier.restore(store.groupedChanges());
    engine = ctx.shutdown().register("rule evaluation", new AlertEngine(rules, book, silences, series, store, notifier,
        feed, clock, config.rules().tick(), config.scrape().staleAfter(), ctx.health()::draining, this::warmedUp,
        ctx.metrics()));

    MonitoringApi api = new MonitoringApi(instances, rules, book, silences, feed, store, clock);
    return List.of(() -> ServerInterceptors.intercept(api, MonitoringApi.callers()));
  }

  // two scrape rounds give every series two samples, the least a rate needs
  private boolean warmedUp() {
    return scraper.rounds() >= 2 && (staleness == null || staleness.rounds() >= 1);
  }

  // outside the mesh a service is reachable only if peers.<name> says where; without it that part stays idle
  private static Optional<Channel> channel(ServiceContext ctx, String service) {
    try {
      return Optional.of(ctx.channels().forService(service));
    } catch (IllegalArgumentException e) {
      log.warn("{} is not reachable ({}): what monitoring reads from it stays empty", service, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  protected void onStarted(MonitoringConfig config, ServiceContext ctx) {
    instances.start();
    scraper.start();
    if (staleness != null) {
      staleness.start();
    }
    if (consumerLag != null) {
      consumerLag.start();
    }
    outbox.start();
    engine.start();
  }
}
