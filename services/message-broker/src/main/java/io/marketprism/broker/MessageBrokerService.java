package io.marketprism.broker;

import io.grpc.BindableService;
import io.marketprism.broker.api.BrokerApi;
import io.marketprism.broker.nats.JetStreamAdmin;
import io.marketprism.broker.nats.JetStreamPublisher;
import io.marketprism.broker.nats.JetStreamSubscriptions;
import io.marketprism.broker.nats.NatsHealth;
import io.marketprism.broker.subscribe.ActiveSubscriptions;
import io.marketprism.broker.subscribe.Subscription;
import io.marketprism.broker.v1.BrokerServiceGrpc;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.NatsConnections;
import io.nats.client.Connection;
import java.util.List;

/**
 * The message-broker service: ensures the default JetStream streams at start-up, then serves stream and consumer
 * management, publish and flow-controlled subscribe over gRPC. Health is {@code NOT_SERVING} while NATS is
 * unreachable. Start-up fails if NATS cannot be reached at all.
 */
public final class MessageBrokerService extends MarketPrismService<MessageBrokerConfig> {

  public MessageBrokerService() {
    super("message-broker", MessageBrokerConfig.class);
  }

  @Override
  protected List<BindableService> services(MessageBrokerConfig config, ServiceContext ctx) throws Exception {
    Connection nats =
        ctx.shutdown().register("NATS connection", NatsConnections.connect(config.nats(), name(), ctx.metrics()));
    DefaultStreams.ensure(nats, config.nats().streams());
    ctx.shutdown()
        .register(
            "NATS health watcher",
            NatsHealth.watch(
                nats, ctx.health(), List.of(BrokerServiceGrpc.SERVICE_NAME), config.nats().streams()));

    MessageBrokerConfig.Subscribe subscribe = config.broker().subscribe();
    JetStreamAdmin admin = new JetStreamAdmin(nats);
    ActiveSubscriptions active = ctx.shutdown().register("Subscribe calls", new ActiveSubscriptions(ctx.metrics()));
    return List.of(
        new BrokerApi(
            admin,
            new JetStreamPublisher(nats),
            new JetStreamSubscriptions(nats, admin, subscribe.ephemeralInactiveThreshold()),
            active,
            new Subscription.Settings(
                subscribe.heartbeatInterval(), subscribe.fetchWait(), subscribe.maxFetchBatch())));
  }
}
