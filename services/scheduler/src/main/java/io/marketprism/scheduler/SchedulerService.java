package io.marketprism.scheduler;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.kit.api.CallerInterceptor;
import io.marketprism.messaging.BoundedPublisher;
import io.marketprism.messaging.NatsConnections;
import io.marketprism.scheduler.api.SchedulerApi;
import io.marketprism.scheduler.domain.TaskCompiler;
import io.marketprism.scheduler.fire.Dispatcher;
import io.marketprism.scheduler.fire.RunExecutor;
import io.marketprism.scheduler.store.FireCursors;
import io.marketprism.scheduler.store.LeaderLease;
import io.marketprism.scheduler.store.LeaderSignals;
import io.marketprism.scheduler.store.RunStore;
import io.marketprism.scheduler.store.SchedulerBuckets;
import io.marketprism.scheduler.store.SchedulerPause;
import io.marketprism.scheduler.store.TaskStore;
import io.marketprism.scheduler.invoke.MethodCatalog;
import io.marketprism.scheduler.invoke.RpcInvoker;
import io.marketprism.scheduler.invoke.TaskPublisher;
import io.nats.client.Connection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler service: every replica serves the API from JetStream key-value; the one holding the leader lease
 * also fires tasks (see docs/scheduler.md).
 */
public final class SchedulerService extends MarketPrismService<SchedulerConfig> {

  /**
   * Threads that record runs and start calls; calls themselves are asynchronous. Each firing waits on several
   * key-value round trips, so the pool is sized for waiting, not for the cores.
   */
  private static final int WORKERS = 32;

  private LeaderLease lease;
  private Dispatcher dispatcher;
  private SchedulerApi api;
  private FireCursors cursors;

  public SchedulerService() {
    super("scheduler", SchedulerConfig.class);
  }

  @Override
  protected List<BindableService> services(SchedulerConfig config, ServiceContext ctx) throws Exception {
    Connection nats = ctx.shutdown().register("nats",
        NatsConnections.connect(config.nats(), ctx.serviceName(), ctx.metrics()));
    SchedulerBuckets buckets = SchedulerBuckets.open(nats, config.store());
    Clock clock = Clock.systemUTC();
    TaskStore tasks = new TaskStore(buckets);
    RunStore runs = new RunStore(buckets);
    cursors = new FireCursors(buckets);
    LeaderSignals signals = new LeaderSignals(buckets);
    TaskCompiler compiler = new TaskCompiler(MethodCatalog.load());
    String instance = instanceId(config);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "scheduler-fire"));
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS,
        r -> new Thread(r, "scheduler-worker-" + n.incrementAndGet()));
    // the process's one JetStream publisher (closed after the dispatcher, so it flushes what the last firings gave it)
    BoundedPublisher publisher = ctx.shutdown().register("nats-publisher",
        BoundedPublisher.start(nats, config.nats().publisher(), ctx.metrics()));
    RunExecutor executor = new RunExecutor(runs, new RpcInvoker(ctx.channels()::forService),
        new TaskPublisher(publisher, workers), timer, workers, clock, instance);
    lease = new LeaderLease(buckets, instance, config.leader().leaseTtl(), clock);
    SchedulerPause pause = new SchedulerPause(buckets);
    dispatcher = ctx.shutdown().register("dispatcher",
        new Dispatcher(tasks, runs, cursors, signals, pause, compiler, executor, lease, timer, workers, clock,
            config.leader().leaseTtl().multipliedBy(10)));
    // closed before the dispatcher (last registered, first closed): the lease is released while firing still stops
    ctx.shutdown().register("leader-lease", lease);
    api = new SchedulerApi(tasks, runs, cursors, signals, pause, lease, compiler, clock);
    CallerInterceptor callers =
        new CallerInterceptor(config.callers().gatewayIdentity(), config.callers().plaintextIdentity());
    return List.of(() -> ServerInterceptors.intercept(api, callers));
  }

  @Override
  protected void onStarted(SchedulerConfig config, ServiceContext ctx) {
    BuiltInTasks.installOnce(config.builtIns(), cursors, api);
    lease.start(dispatcher);
  }

  private static String instanceId(SchedulerConfig config) {
    if (!config.leader().instanceId().isEmpty()) {
      return config.leader().instanceId();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
