package io.marketprism.broker;

import io.grpc.BindableService;
import io.marketprism.kit.MarketPrismService;
import io.marketprism.kit.ServiceContext;
import io.marketprism.broker.api.BrokerApi;
import java.util.List;

/** The message-broker service: JetStream streams, consumers, publish and flow-controlled subscribe. */
public final class MessageBrokerService extends MarketPrismService<MessageBrokerConfig> {

  public MessageBrokerService() {
    super("message-broker", MessageBrokerConfig.class);
  }

  @Override
  protected List<BindableService> services(MessageBrokerConfig config, ServiceContext ctx) {
    return List.of(new BrokerApi());
  }
}
