package io.marketprism.broker;

import io.marketprism.kit.ServiceRunner;

/** Starts the message-broker service: {@code java io.marketprism.broker.MessageBrokerMain [--config file.yaml]}. */
public final class MessageBrokerMain {

  private MessageBrokerMain() {}

  public static void main(String[] args) {
    ServiceRunner.run(new MessageBrokerService(), args);
  }
}
