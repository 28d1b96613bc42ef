package io.marketprism.broker.nats;

import io.grpc.Status;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;

/**
 * Runs one JetStream request on behalf of an RPC: fails fast with {@code UNAVAILABLE} while the connection is down
 * (instead of waiting for a request timeout) and maps NATS failures through {@link NatsErrors}. Thread-safe.
 */
final class NatsCalls {

  /** A JetStream request. */
  @FunctionalInterface
  interface NatsCall<T> {
    T run() throws IOException, JetStreamApiException, InterruptedException;
  }

  private final Connection connection;

  NatsCalls(Connection connection) {
    this.connection = connection;
  }

  <T> T call(String what, NatsCall<T> call) {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      throw Status.UNAVAILABLE
          .withDescription(what + ": NATS is unreachable (connection " + connection.getStatus() + ")")
          .asRuntimeException();
    }
    try {
      return call.run();
    } catch (JetStreamApiException e) {
      throw NatsErrors.toStatus(e, what);
    } catch (IOException e) {
      throw NatsErrors.toStatus(e, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription(what + ": interrupted").asRuntimeException();
    }
  }

  Connection connection() {
    return connection;
  }
}
