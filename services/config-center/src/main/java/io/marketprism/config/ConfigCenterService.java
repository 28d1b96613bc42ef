package io.marketprism.config;

import io.marketprism.kit.api.CallerInterceptor;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.marketprism.config.access.AccessPolicy;
import io.marketprism.config.access.AccessRule;
import io.marketprism.config.access.Action;
import io.marketprism.config.api.ConfigApi;
import io.marketprism.config.api.OpenWatches;
import io.marketprism.config.domain.ConfigEntries;
import io.marketprism.config.domain.GrayReleases;
import io.marketprism.config.nats.AuditQueries;
import io.marketprism.config.nats.KvConfigStore;
import io.marketprism.config.nats.NatsAuditLog;
import io.marketprism.config.nats.SyncCheckpoints;
import io.marketprism.config.secrets.SecretCipher;
import io.marketprism.config.secrets.SecretKeys;
import io.marketprism.config.view.ViewedConfigStore;
import io.marketprism.config.sync.SiteSync;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConnections;
import io.nats.client.Connection;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The config-center service: versioned configuration entries in JetStream key-value (get/put/delete/list/history/
 * rollback/watch), secrets sealed at rest, access per namespace, every change audited to {@code SYSTEM_EVENTS}.
 * Start-up fails if NATS cannot be reached or a secret key is malformed.
 */
public final class ConfigCenterService extends MarketPrismService<ConfigCenterConfig> {

  /**
   * Changes each environment's view keeps for watchers that resume: a watcher that was away for fewer changes than
   * this resumes from memory, an older one gets a store consumer of its own for its catch-up.
   */
  private static final int WATCH_LOG = 10_000;

  /** How long a write waits for its environment's view to hold it (normally about a millisecond). */
  private static final Duration WRITE_VISIBLE_WITHIN = Duration.ofSeconds(2);

  public ConfigCenterService() {
    super("config-center", ConfigCenterConfig.class);
  }

  @Override
  protected List<BindableService> services(ConfigCenterConfig config, ServiceContext ctx) throws Exception {
    Optional<SecretCipher> cipher =
        SecretKeys.load(config.secrets().keys(), config.secrets().keysFile(), config.secrets().activeKey());
    Connection nats =
        ctx.shutdown().register("NATS connection", NatsConnections.connect(config.nats(), name(), ctx.metrics()));
    // the audit records go to SYSTEM_EVENTS, which must exist even when no broker has started yet
    DefaultStreams.ensure(nats, config.nats().streams());

    ConfigCenterConfig.Store store = config.store();
    ViewedConfigStore kv =
        ctx.shutdown()
            .register(
                "config views",
                new ViewedConfigStore(
                    new KvConfigStore(
                        nats,
                        new KvConfigStore.Settings(
                            store.bucketPrefix(), store.historyPerKey(), store.fileStorage(), store.replicas())),
                    WATCH_LOG,
                    WRITE_VISIBLE_WITHIN));
    String auditSubjects = config.audit().subjectPrefix();
    OpenWatches watches =
        ctx.shutdown().register("Watch calls", new OpenWatches(ctx.health()::draining, Duration.ofMillis(100)));
    watchGauge(ctx, watches, kv);
    NatsAuditLog audit = new NatsAuditLog(nats, auditSubjects);
    ConfigEntries entries = new ConfigEntries(kv, cipher, audit, Clock.systemUTC());
    GrayReleases grays = new GrayReleases(kv, entries, audit, Clock.systemUTC());
    SiteSync sync =
        ctx.shutdown()
            .register(
                "site sync",
                new SiteSync(
                    config.sync(),
                    entries,
                    SyncCheckpoints.open(nats, store.bucketPrefix(), store.fileStorage()),
                    Clock.systemUTC()));
    ConfigApi api =
        new ConfigApi(
            entries,
            grays,
            policy(config.access()),
            new AuditQueries(nats, auditSubjects),
            watches,
            store.maxValueBytes(),
            sync::status);
    CallerInterceptor callers =
        new CallerInterceptor(config.access().gatewayIdentity(), config.access().plaintextIdentity());
    return List.of(() -> ServerInterceptors.intercept(api, callers));
  }

  /** {@code marketprism_config_watches_open{source}}: Watch calls fed from a view in memory, or each by the store. */
  private static void watchGauge(ServiceContext ctx, OpenWatches watches, ViewedConfigStore views) {
    GaugeWithCallback.builder()
        .name("marketprism_config_watches_open")
        .help("Open Watch calls: source=view is fed from the environment's one store watch, source=store by its own")
        .labelNames("source")
        .callback(
            callback -> {
              int inMemory = views.watchersServedInMemory();
              callback.call(inMemory, "view");
              callback.call(Math.max(0, watches.size() - inMemory), "store");
            })
        .register(ctx.metrics());
  }

  private static AccessPolicy policy(ConfigCenterConfig.Access access) {
    return new AccessPolicy(
        access.rules().stream()
            .map(
                rule ->
                    new AccessRule(
                        rule.namespaces(),
                        Map.of(
                            Action.READ, rule.read(),
                            Action.WRITE, rule.write(),
                            Action.READ_SECRETS, rule.readSecrets())))
            .toList());
  }
}
