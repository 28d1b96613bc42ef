package io.marketprism.collector;

import io.grpc.BindableService;
import io.marketprism.collector.api.CollectorApi;
import io.marketprism.collector.connection.FrameTracing;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.feed.SubscriptionLimitException;
import io.marketprism.collector.feed.SubscriptionLimits;
import io.marketprism.collector.feed.Venue;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.subscription.DeclaredSubscriptions;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.subscription.SubscriptionParser;
import io.marketprism.collector.subscription.SubscriptionStore;
import io.marketprism.collector.subscription.SymbolResolver;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.config.ConfigException;
import io.marketprism.observability.RootSampler;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MessagingSpans;
import io.marketprism.messaging.NatsConnections;
import io.nats.client.Connection;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market-data-collector service: exchange feeds (configured, changed at run time through
 * {@code CollectorService}) normalized and published to JetStream, {@code md.<type>.<exchange>.<symbol>}.
 * The subscription set is kept in a JetStream key-value bucket ({@code persistence.subscriptions-bucket}), so
 * run-time changes survive restarts; the configured subscriptions are the first set.
 *
 * <p>Start-up: connect to NATS; ensure the default streams (unless {@code publishing.ensure-streams} is
 * off: then the message broker or an operator owns them); start the bounded publisher; once the server
 * listens, subscribe the configured streams. Shutdown closes in reverse: the exchange connections (no more
 * events), the publisher (flushes what it accepted), the NATS connection.
 */
public final class MarketDataCollectorService extends MarketPrismService<MarketDataCollectorConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(MarketDataCollectorService.class);

  private final SymbolResolver resolver = new SymbolResolver(ExchangeRegistry.standard());
  private Collector collector;
  private SubscriptionStore store;
  private InstrumentDirectory instruments;

  public MarketDataCollectorService() {
    super("market-data-collector", MarketDataCollectorConfig.class);
  }

  @Override
  protected List<BindableService> services(MarketDataCollectorConfig config, ServiceContext ctx) throws Exception {
    Connection nats = ctx.shutdown().register("NATS connection",
        NatsConnections.connect(config.nats(), name(), ctx.metrics()));
    if (config.publishing().ensureStreams()) {
      DefaultStreams.ensure(nats, config.nats().streams());
    }
    BoundedPublisher publisher = ctx.shutdown().register("JetStream publisher",
        BoundedPublisher.start(nats, config.nats().publisher(), ctx.metrics(),
            new MessagingSpans(ctx.openTelemetry())));
    FrameTracing tracing = new FrameTracing(ctx.openTelemetry(), RootSampler.ratio(config.tracing().samplingRatio()));
    HttpClient http = HttpClient.newBuilder().connectTimeout(config.connection().connectTimeout()).build();
    try {
      collector = ctx.shutdown().register("exchange connections", new Collector(VenueEndpoints.of(config),
          limits(config.limits()), publisher::publish, ctx.metrics(), http, Clock.systemUTC(), tracing));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("connection: " + e.getMessage(), e);
    }
    instruments = ctx.shutdown().register("instrument lists",
        InstrumentDirectory.builder(http, ctx.metrics())
            .sources(VenueEndpoints.instrumentSources(config))
            .refreshInterval(config.instruments().refreshInterval())
            .retryInterval(config.instruments().retryInterval())
            .requestTimeout(config.connection().connectTimeout().multipliedBy(3))
            .build()
            .start());
    if (!config.persistence().subscriptionsBucket().isBlank()) {
      store = SubscriptionStore.open(nats, config.persistence().subscriptionsBucket(),
          config.nats().streams().replicas());
    }
    CollectorApi api = ctx.shutdown().register("feed watches",
        new CollectorApi(collector, instruments, resolver, ctx.health()::draining));
    return List.of(api);
  }

  private static SubscriptionLimits limits(MarketDataCollectorConfig.Limits limits) {
    MarketDataCollectorConfig.MaxConnections connections = limits.maxConnections();
    return new SubscriptionLimits(limits.maxSubscriptions(), Map.of(
        Venue.BINANCE_SPOT, connections.binance(),
        Venue.BINANCE_FUTURES, connections.binance(),
        Venue.OKX, connections.okx(),
        Venue.DERIBIT, connections.deribit()));
  }

  @Override
  protected void onStarted(MarketDataCollectorConfig config, ServiceContext ctx) throws Exception {
    Optional<List<SubscriptionKey>> stored = store == null ? Optional.empty() : store.load();
    List<SubscriptionKey> keys = new ArrayList<>();
    if (stored.isPresent()) {
      for (SubscriptionKey key : stored.get()) {
        if (collector.enabled(key.exchange())) {
          keys.add(key);
        } else {
          LOG.warn("stored subscription {} skipped: {} is disabled", key.subject(), key.exchange());
        }
      }
    } else {
      SubscriptionParser parser = new SubscriptionParser(resolver);
      for (MarketDataCollectorConfig.Subscription subscription : config.subscriptions()) {
        if (!collector.enabled(subscription.exchange())) {
          LOG.warn("configured subscriptions of {} skipped: the exchange is disabled", subscription.exchange());
          continue;
        }
        // Validated with the config; parsing again cannot fail.
        keys.addAll(parser.parse(subscription.exchange(), subscription.symbols(), subscription.dataTypes()).keys());
      }
    }
    if (store != null) {
      collector.onSubscriptionsChanged(store::save);
    }
    try {
      collector.subscribe(keys);
    } catch (SubscriptionLimitException e) {
      throw new ConfigException((stored.isPresent()
          ? "the subscriptions kept in bucket " + config.persistence().subscriptionsBucket()
          : "subscriptions") + " exceed the limits: " + e.getMessage() + " (raise limits.*)", e);
    }
    String source = stored.isPresent() ? "subscriptions kept from the last run" : "configured subscriptions";
    LOG.info("collecting {} {}", keys.size(), source);
    StartupListingCheck.schedule(collector, instruments, keys, source);
    DeclaredSubscriptions declared = new DeclaredSubscriptions(collector, new SubscriptionParser(resolver),
        Optional.ofNullable(store), store == null ? List.of() : store.loadDeclared().orElse(List.of()));
    ctx.runtimeSettings().bindList("subscriptions", MarketDataCollectorConfig.Subscription.class, declared::apply);
  }
}
