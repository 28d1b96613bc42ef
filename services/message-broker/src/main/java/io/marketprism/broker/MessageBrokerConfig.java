package io.marketprism.broker;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the message-broker service: the kit's sections (gRPC port 7103), the shared {@code nats} section
 * (server URL, default-stream retention) and the broker's own {@code broker} section.
 *
 * <pre>{@code
 * nats:
 *   url: nats://127.0.0.1:4222
 *   streams:
 *     market-data: {max-age: 7d, max-bytes: -1, max-msgs: -1, duplicate-window: 2m}
 * broker:
 *   subscribe: {heartbeat-interval: 5s, fetch-wait: 1s, max-fetch-batch: 256, ephemeral-inactive-threshold: 1m}
 * }</pre>
 */
public class MessageBrokerConfig extends ServiceConfig {

  @Valid @NotNull private NatsConfig nats = new NatsConfig();

  @Valid @NotNull private Broker broker = new Broker();

  public MessageBrokerConfig() {
    super(7103);
  }

  public NatsConfig nats() {
    return nats;
  }

  public Broker broker() {
    return broker;
  }

  /** The broker's own settings. */
  public static class Broker {

    @Valid @NotNull private Subscribe subscribe = new Subscribe();

    public Subscribe subscribe() {
      return subscribe;
    }
  }

  /** How {@code Subscribe} calls pull from JetStream. */
  public static class Subscribe {

    /** A heartbeat is sent after this long without a message (the contract says 5 s). */
    @NotNull
    @DurationMin(millis = 10)
    private Duration heartbeatInterval = Duration.ofSeconds(5);

    /** Longest a single pull waits for messages; bounds how quickly a cancelled call releases its consumer. */
    @NotNull
    @DurationMin(millis = 10)
    private Duration fetchWait = Duration.ofSeconds(1);

    /** Most messages pulled at once (never more than the call's remaining credit). */
    @Positive
    @Max(10_000)
    private int maxFetchBatch = 256;

    /**
     * Ephemeral consumers are deleted when their call ends; this lets JetStream remove them too should the broker
     * die before it could.
     */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration ephemeralInactiveThreshold = Duration.ofMinutes(1);

    public Duration heartbeatInterval() {
      return heartbeatInterval;
    }

    public Duration fetchWait() {
      return fetchWait;
    }

    public int maxFetchBatch() {
      return maxFetchBatch;
    }

    public Duration ephemeralInactiveThreshold() {
      return ephemeralInactiveThreshold;
    }
  }
}
