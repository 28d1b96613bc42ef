package io.marketprism.broker;

import io.marketprism.kit.config.ServiceConfig;

/** Configuration of the message-broker service: the kit's sections, with its well-known gRPC port 7103. */
public class MessageBrokerConfig extends ServiceConfig {

  public MessageBrokerConfig() {
    super(7103);
  }
}
