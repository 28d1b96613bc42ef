package io.marketprism.monitoring.signals;

import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.series.SeriesStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer lag, from the broker rather than from the consumers: a consumer that is stuck or dead exports nothing, but
 * JetStream still counts what it has not taken. Every {@code consumers.interval} it reads every stream's consumers
 * (JetStream management API, as {@code nats consumer info} does) and records, per stream and consumer,
 * {@code marketprism_jetstream_consumer_pending_messages} (stored messages not yet delivered to it) and
 * {@code marketprism_jetstream_consumer_ack_pending_messages} (delivered, not yet acknowledged).
 *
 * <p>Cost: one request for the stream names and one page of consumer infos per 256 consumers of each stream, per round.
 */
public final class ConsumerLag extends PeriodicSignal {

  public static final String PENDING = "marketprism_jetstream_consumer_pending_messages";
  public static final String ACK_PENDING = "marketprism_jetstream_consumer_ack_pending_messages";
  private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

  private final JetStreamManagement jetStream;
  private final SeriesStore store;
  private final Clock clock;
  /** Confined to the timer thread: logged once per distinct failure. */
  private String lastError = "";

  public ConsumerLag(Connection nats, SeriesStore store, Clock clock, Duration interval) throws IOException {
    super("consumer-lag", interval);
    this.jetStream = nats.jetStreamManagement();
    this.store = store;
    this.clock = clock;
  }

  @Override
  void measure() {
    try {
      long now = Nanos.now(clock);
      for (String stream : jetStream.getStreamNames()) {
        for (ConsumerInfo consumer : consumers(stream)) {
          Labels labels = Labels.of("stream", stream, "consumer", consumer.getName());
          store.add(PENDING, labels, now, consumer.getNumPending());
          store.add(ACK_PENDING, labels, now, consumer.getNumAckPending());
        }
      }
      if (!lastError.isEmpty()) {
        log.info("consumer lag measured again");
        lastError = "";
      }
    } catch (IOException | JetStreamApiException e) {
      String error = String.valueOf(e.getMessage());
      if (!error.equals(lastError)) {
        log.warn("cannot read JetStream consumers: {}", error);
        lastError = error;
      }
    } catch (RuntimeException e) {
      log.error("consumer lag round failed", e);
    }
  }

  private List<ConsumerInfo> consumers(String stream) throws IOException, JetStreamApiException {
    try {
      return jetStream.getConsumers(stream);
    } catch (JetStreamApiException e) {
      // the stream was deleted between the two requests: it has no consumers left to lag
      if (e.getErrorCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }
}
