package io.marketprism.monitoring.signals;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.ListSubscriptionsResponse;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.messaging.DefaultStreams;
import io.marketprism.messaging.MarketDataSubjects;
import io.marketprism.monitoring.series.Labels;
import io.marketprism.monitoring.series.Nanos;
import io.marketprism.monitoring.series.SeriesStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feed staleness per subscribed symbol, a signal no service exports: the collector's metrics count events per
 * exchange and type, not per symbol. Every {@code feeds.interval} it lists the collector's subscriptions (its API)
 * and asks JetStream for the newest message of each one's subject in {@code MARKET_DATA} — what was actually
 * published, whatever the collector believes — and records
 * {@code marketprism_feed_staleness_seconds{exchange,symbol,type}}: seconds since that message, or since monitoring
 * first saw the subscription when nothing was ever published.
 *
 * <p>Cost: one ListSubscriptions page per 1,000 subscriptions and one JetStream request per subscription per round.
 */
public final class FeedStaleness extends PeriodicSignal {

  public static final String METRIC = "marketprism_feed_staleness_seconds";
  private static final Logger log = LoggerFactory.getLogger(FeedStaleness.class);
  private static final long CALL_SECONDS = 5;
  // JetStream's "no message found" for a subject without messages
  private static final int NO_MESSAGE = 10037;

  private final CollectorServiceGrpc.CollectorServiceBlockingStub collector;
  private final JetStreamManagement jetStream;
  private final SeriesStore store;
  private final Clock clock;
  private final Map<String, Long> firstSeen = new HashMap<>();
  private String lastError = "";
  private volatile int rounds;

  public FeedStaleness(Channel collector, Connection nats, SeriesStore store, Clock clock, Duration interval)
      throws IOException {
    super("feed-staleness", interval);
    this.collector = CollectorServiceGrpc.newBlockingStub(collector);
    this.jetStream = nats.jetStreamManagement();
    this.store = store;
    this.clock = clock;
  }

  // runs on the timer thread only, which also owns firstSeen and lastError
  @Override
  void measure() {
    try {
      List<Subscription> subscriptions = subscriptions();
      long now = Nanos.now(clock);
      Map<String, Long> stillSubscribed = new HashMap<>();
      for (Subscription subscription : subscriptions) {
        String subject = MarketDataSubjects.subject(
            subscription.getDataType(), subscription.getExchange(), subscription.getSymbol());
        long since = firstSeen.getOrDefault(subject, now);
        stillSubscribed.put(subject, since);
        long newest = newestMessageNanos(subject);
        long age = Math.max(0, now - (newest > 0 ? newest : since));
        store.add(METRIC, Labels.of("exchange", subscription.getExchange(), "symbol", subscription.getSymbol(),
            "type", MarketDataSubjects.typeToken(subscription.getDataType())), now, age / 1e9);
      }
      firstSeen.keySet().retainAll(stillSubscribed.keySet());
      stillSubscribed.forEach(firstSeen::putIfAbsent);
      if (!lastError.isEmpty()) {
        log.info("feed staleness measured again ({} subscriptions)", subscriptions.size());
        lastError = "";
      }
    } catch (StatusRuntimeException | IOException | JetStreamApiException e) {
      String error = e.getMessage();
      if (!error.equals(lastError)) {
        log.warn("cannot measure feed staleness: {}", error);
        lastError = error;
      }
    } catch (RuntimeException e) {
      log.error("feed staleness round failed", e);
    } finally {
      rounds++;
    }
  }

  /** Rounds attempted since start (a failed one counts: rules must not wait for a collector that is down). */
  public int rounds() {
    return rounds;
  }

  private List<Subscription> subscriptions() {
    List<Subscription> all = new ArrayList<>();
    String token = "";
    do {
      ListSubscriptionsResponse page = collector.withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
          .listSubscriptions(ListSubscriptionsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      all.addAll(page.getSubscriptionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  // time of the subject's newest stored message, 0 if there is none
  private long newestMessageNanos(String subject) throws IOException, JetStreamApiException {
    try {
      MessageInfo message = jetStream.getLastMessage(DefaultStreams.MARKET_DATA, subject);
      return Nanos.of(message.getTime().toInstant());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE || e.getErrorCode() == 404) {
        return 0;
      }
      throw e;
    }
  }
}
