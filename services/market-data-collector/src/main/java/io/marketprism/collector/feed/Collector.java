package io.marketprism.collector.feed;

import com.google.protobuf.Timestamp;
import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.connection.ConnectionStatus;
import io.marketprism.collector.connection.FrameTracing;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.collector.exchange.RejectLog;
import io.marketprism.collector.publish.EventOutlet;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.subscription.Subscriptions;
import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.FeedState;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.messaging.MarketEventCodec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's engine: the subscription set, the exchange connections that carry it, and what every
 * normalized event goes through on its way to the publisher (filtered to subscribed streams, counted, handed
 * to the {@link EventOutlet}, counted as shed when refused).
 *
 * <p>Subscribe and unsubscribe change the live connections: channels are subscribed or unsubscribed on the
 * open WebSockets (see {@link VenueConnections}); events of a triple stop being published as soon as
 * {@link #unsubscribe} returns, even while the exchange still sends them.
 *
 * <p>Thread safety: subscription changes, status reads and the once-a-second sampler synchronize on this
 * object (changes may wait up to a few seconds for a closed connection). Events arrive on each connection's
 * own thread and take no lock: they read the subscriptions' immutable subject set and update lock-free
 * counters.
 */
public final class Collector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
  private static final Duration REJECT_LOG_INTERVAL = Duration.ofSeconds(10);

  private final Map<Venue, VenueConnections> venues = new EnumMap<>(Venue.class);
  private final Map<Venue, FeedListener> listeners = new EnumMap<>(Venue.class);
  private final Map<String, ExchangeStats> stats = new TreeMap<>();
  private final Subscriptions subscriptions;
  private final SubscriptionLimits limits;
  private final EventOutlet outlet;
  private volatile Consumer<List<SubscriptionKey>> onChange = keys -> {};
  private final ScheduledExecutorService sampler;
  private final RejectLog rejectLog = new RejectLog(REJECT_LOG_INTERVAL);
  // Guarded by this.
  private final Map<String, EnumSet<DataType>> feedsSeen = new TreeMap<>();
  private final Map<Venue, Long> reconnectsSeen = new EnumMap<>(Venue.class);
  private final Map<String, Long> shedSeen = new TreeMap<>();
  private boolean closed;

  /**
   * @param settings where each enabled venue connects; venues absent are disabled
   * @param outlet where subscribed events go
   * @param registry where the collector's metrics are registered
   */
  public Collector(Map<Venue, ConnectionSettings> settings, EventOutlet outlet, PrometheusRegistry registry,
      HttpClient http, Clock clock) {
    this(settings, SubscriptionLimits.DEFAULTS, outlet, registry, http, clock);
  }

  /**
   * @param settings where each enabled venue connects; venues absent are disabled
   * @param limits bounds every subscription change is checked against
   * @param outlet where subscribed events go
   * @param registry where the collector's metrics are registered
   */
  public Collector(Map<Venue, ConnectionSettings> settings, SubscriptionLimits limits, EventOutlet outlet,
      PrometheusRegistry registry, HttpClient http, Clock clock) {
    this(settings, limits, outlet, registry, http, clock, FrameTracing.off());
  }

  /**
   * @param settings where each enabled venue connects; venues absent are disabled
   * @param limits bounds every subscription change is checked against
   * @param outlet where subscribed events go
   * @param registry where the collector's metrics are registered
   * @param tracing which frames are traced (their events are published inside the frame's span)
   */
  public Collector(Map<Venue, ConnectionSettings> settings, SubscriptionLimits limits, EventOutlet outlet,
      PrometheusRegistry registry, HttpClient http, Clock clock, FrameTracing tracing) {
    this.limits = limits;
    this.outlet = outlet;
    this.subscriptions = new Subscriptions(clock);
    CollectorMetrics metrics = new CollectorMetrics(registry, this::connectionTotals);
    for (Map.Entry<Venue, ConnectionSettings> entry : settings.entrySet()) {
      Venue venue = entry.getKey();
      ExchangeStats exchange = stats.computeIfAbsent(venue.exchange(), name -> new ExchangeStats(name, metrics));
      listeners.put(venue, new VenueListener(venue, exchange));
      venues.put(venue, new VenueConnections(venue, entry.getValue(), listeners.get(venue), http, tracing));
    }
    sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "collector-sampler");
      thread.setDaemon(true);
      return thread;
    });
    sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
  }

  /**
   * The listener {@code venue}'s connections report to, for load drivers and replays that feed frames to an
   * {@code ExchangeFeed} themselves. Call it from one thread per venue, as a connection does.
   */
  public FeedListener listener(Venue venue) {
    FeedListener listener = listeners.get(venue);
    if (listener == null) {
      throw new IllegalArgumentException(venue + " is not enabled");
    }
    return listener;
  }

  /** Called with the whole set after every change (under this collector's lock), e.g. to persist it. */
  public void onSubscriptionsChanged(Consumer<List<SubscriptionKey>> listener) {
    onChange = listener;
  }

  /** Whether {@code exchange} has at least one enabled venue. */
  public boolean enabled(String exchange) {
    return stats.containsKey(exchange);
  }

  /**
   * Adds subscriptions (all of an enabled exchange) and subscribes their channels.
   *
   * @throws SubscriptionLimitException with nothing added, when the set would exceed the limits
   */
  public synchronized Subscriptions.Change subscribe(Collection<SubscriptionKey> keys) {
    checkOpen();
    for (SubscriptionKey key : keys) {
      if (!enabled(key.exchange())) {
        throw new IllegalArgumentException(key.exchange() + " is not enabled in this collector");
      }
    }
    Set<SubscriptionKey> after = new LinkedHashSet<>();
    subscriptions.list().forEach(entry -> after.add(entry.key()));
    after.addAll(keys);
    Map<Venue, Integer> channelCounts = new EnumMap<>(Venue.class);
    Map<Venue, Integer> perConnection = new EnumMap<>(Venue.class);
    channelsByVenue(after).forEach((venue, channels) -> {
      channelCounts.put(venue, channels.size());
      perConnection.put(venue, venues.get(venue).protocol().maxChannelsPerConnection());
    });
    List<SubscriptionLimits.Violation> violations = limits.check(after.size(), channelCounts, perConnection);
    if (!violations.isEmpty()) {
      throw new SubscriptionLimitException(violations);
    }
    Subscriptions.Change change = subscriptions.add(keys);
    for (SubscriptionKey key : keys) {
      feedsSeen.computeIfAbsent(key.exchange(), name -> EnumSet.noneOf(DataType.class)).add(key.type());
    }
    reconcile();
    announce();
    return change;
  }

  /** Removes subscriptions and unsubscribes channels no subscription needs any more. */
  public synchronized Subscriptions.Change unsubscribe(Collection<SubscriptionKey> keys) {
    checkOpen();
    Subscriptions.Change change = subscriptions.remove(keys);
    reconcile();
    announce();
    return change;
  }

  /**
   * Shows {@code message} as the last error of every feed of {@code exchange} (an enabled one), for problems found
   * outside the connections, such as subscriptions the exchange turned out not to list.
   */
  public void reportError(String exchange, String message) {
    ExchangeStats exchangeStats = stats.get(exchange);
    if (exchangeStats == null) {
      throw new IllegalArgumentException(exchange + " is not enabled in this collector");
    }
    exchangeStats.error(message);
  }

  /** Every subscription, ordered by (exchange, symbol, data type). */
  public List<Subscriptions.Entry> subscriptions() {
    return subscriptions.list();
  }

  /** Tells the change listener; a failure there (the store unreachable) is logged, the change stands. */
  private void announce() {
    List<SubscriptionKey> keys = new ArrayList<>();
    subscriptions.list().forEach(entry -> keys.add(entry.key()));
    try {
      onChange.accept(keys);
    } catch (RuntimeException e) {
      LOG.error("subscriptions changed but could not be stored; a restart would lose the change", e);
    }
  }

  private void reconcile() {
    List<SubscriptionKey> keys = new ArrayList<>();
    subscriptions.list().forEach(entry -> keys.add(entry.key()));
    Map<Venue, Set<String>> channels = channelsByVenue(keys);
    for (VenueConnections connections : venues.values()) {
      connections.carry(channels.getOrDefault(connections.venue(), Set.of()));
    }
  }

  /** The exchange channels that carry {@code keys}, per venue, without duplicates. */
  private Map<Venue, Set<String>> channelsByVenue(Collection<SubscriptionKey> keys) {
    Map<Venue, Set<String>> channels = new EnumMap<>(Venue.class);
    for (SubscriptionKey key : keys) {
      Venue venue = Venue.of(key.exchange(), key.symbol());
      channels.computeIfAbsent(venue, v -> new LinkedHashSet<>())
          .addAll(venues.get(venue).protocol().channels(key.type(), key.nativeSymbol()));
    }
    return channels;
  }

  /**
   * Status of every feed ever subscribed (of one exchange, or all for an empty name), ordered by (exchange,
   * data type). A feed whose subscriptions are all gone is {@link FeedState#FEED_STATE_IDLE}.
   */
  public synchronized List<Feed> feeds(String exchangeFilter) {
    Map<Venue, List<ConnectionStatus>> statuses = new EnumMap<>(Venue.class);
    venues.forEach((venue, connections) -> statuses.put(venue, connections.statuses()));
    Map<String, Map<DataType, List<SubscriptionKey>>> subscribed = new TreeMap<>();
    for (Subscriptions.Entry entry : subscriptions.list()) {
      SubscriptionKey key = entry.key();
      subscribed.computeIfAbsent(key.exchange(), name -> new EnumMap<>(DataType.class))
          .computeIfAbsent(key.type(), type -> new ArrayList<>()).add(key);
    }
    List<Feed> feeds = new ArrayList<>();
    for (Map.Entry<String, EnumSet<DataType>> seen : feedsSeen.entrySet()) {
      String exchange = seen.getKey();
      if (!exchangeFilter.isEmpty() && !exchangeFilter.equals(exchange)) {
        continue;
      }
      for (DataType type : seen.getValue()) {
        List<SubscriptionKey> keys = subscribed.getOrDefault(exchange, Map.of()).getOrDefault(type, List.of());
        feeds.add(feed(stats.get(exchange), type, keys, statuses));
      }
    }
    return feeds;
  }

  private Feed feed(ExchangeStats exchange, DataType type, List<SubscriptionKey> keys,
      Map<Venue, List<ConnectionStatus>> statuses) {
    ExchangeStats.TypeStats totals = exchange.type(type);
    Feed.Builder feed = Feed.newBuilder()
        .setExchange(exchange.exchange)
        .setDataType(type)
        .setMessagesPerSecond(totals.rate.perSecond())
        .setMessagesTotal(totals.events.sum())
        .setPublishedTotal(totals.published.sum())
        .setShedTotal(totals.shed.sum())
        .setRejectedFramesTotal(exchange.rejects());
    boolean book = type == DataType.DATA_TYPE_BOOK_DELTA || type == DataType.DATA_TYPE_BOOK_SNAPSHOT;
    if (book) {
      feed.setGapsTotal(exchange.gaps()).setResyncsTotal(exchange.resyncs());
    }
    Set<String> symbols = new TreeSet<>();
    Set<Venue> carrying = EnumSet.noneOf(Venue.class);
    for (SubscriptionKey key : keys) {
      symbols.add(key.symbol());
      carrying.add(Venue.of(key.exchange(), key.symbol()));
    }
    feed.addAllSymbols(symbols);
    Set<Venue> counted = carrying.isEmpty() ? venuesOf(exchange.exchange) : carrying;
    long reconnects = 0;
    for (Venue venue : counted) {
      reconnects += venues.get(venue).reconnects(statuses.get(venue));
    }
    feed.setReconnectsTotal(reconnects);
    ExchangeStats.LastError error = exchange.lastError();
    if (error != null) {
      feed.setLastError(error.message()).setLastErrorTime(timestamp(error.time()));
    }
    Instant lastMessage = null;
    Instant connectedSince = null;
    boolean allConnected = true;
    for (Venue venue : carrying) {
      for (ConnectionStatus status : statuses.get(venue)) {
        allConnected &= status.connected();
        if (status.lastMessageTime() != null && (lastMessage == null || status.lastMessageTime().isAfter(lastMessage))) {
          lastMessage = status.lastMessageTime();
        }
        if (status.connectedSince() != null
            && (connectedSince == null || status.connectedSince().isBefore(connectedSince))) {
          connectedSince = status.connectedSince();
        }
      }
    }
    if (lastMessage != null) {
      feed.setLastMessageTime(timestamp(lastMessage));
    }
    FeedState state;
    if (carrying.isEmpty()) {
      state = FeedState.FEED_STATE_IDLE;
    } else if (!allConnected) {
      state = reconnects == 0 ? FeedState.FEED_STATE_CONNECTING : FeedState.FEED_STATE_BACKING_OFF;
    } else {
      state = book && !booksSynced(exchange, keys, statuses)
          ? FeedState.FEED_STATE_SYNCING
          : FeedState.FEED_STATE_LIVE;
      if (connectedSince != null) {
        feed.setConnectedSince(timestamp(connectedSince));
      }
    }
    return feed.setState(state).build();
  }

  private boolean booksSynced(ExchangeStats exchange, List<SubscriptionKey> keys,
      Map<Venue, List<ConnectionStatus>> statuses) {
    for (SubscriptionKey key : keys) {
      Venue venue = Venue.of(key.exchange(), key.symbol());
      for (ConnectionStatus status : statuses.get(venue)) {
        // Every connection of the venue re-seeds its books when it opens; the latest start is the bar.
        if (status.connectedSince() == null
            || !exchange.bookSynced(bookKey(venue, key.nativeSymbol()), status.connectedSince())) {
          return false;
        }
      }
    }
    return true;
  }

  private Set<Venue> venuesOf(String exchange) {
    Set<Venue> of = EnumSet.noneOf(Venue.class);
    for (Venue venue : venues.keySet()) {
      if (venue.exchange().equals(exchange)) {
        of.add(venue);
      }
    }
    return of;
  }

  /** Frames, reconnects and request-limit waits per exchange since start, for the metrics. */
  private synchronized List<CollectorMetrics.ConnectionTotals> connectionTotals() {
    Map<String, long[]> sums = new TreeMap<>();
    venues.forEach((venue, connections) -> {
      List<ConnectionStatus> statuses = connections.statuses();
      long[] sum = sums.computeIfAbsent(venue.exchange(), name -> new long[3]);
      sum[0] += connections.frames(statuses);
      sum[1] += connections.reconnects(statuses);
      sum[2] += connections.requestWaits(statuses);
    });
    List<CollectorMetrics.ConnectionTotals> totals = new ArrayList<>();
    sums.forEach((exchange, sum) ->
        totals.add(new CollectorMetrics.ConnectionTotals(exchange, sum[0], sum[1], sum[2])));
    return totals;
  }

  /** Once a second: rate samples, and lost connections and shedding turned into each feed's last error. */
  private synchronized void sample() {
    if (closed) {
      return;
    }
    // Lost connections first: when both happen in one second, the shedding is the last error shown.
    venues.forEach((venue, connections) -> {
      long reconnects = connections.reconnects(connections.statuses());
      if (reconnects > reconnectsSeen.getOrDefault(venue, 0L)) {
        stats.get(venue.exchange()).error(venue.name().toLowerCase(java.util.Locale.ROOT)
            + " connection lost; reconnecting (" + reconnects + " reconnects since start)");
      }
      reconnectsSeen.put(venue, reconnects);
    });
    long now = System.nanoTime();
    for (ExchangeStats exchange : stats.values()) {
      long shed = 0;
      for (ExchangeStats.TypeStats type : exchange.types()) {
        type.rate.sample(now, type.events.sum());
        shed += type.shed.sum();
      }
      long before = shedSeen.getOrDefault(exchange.exchange, 0L);
      if (shed > before) {
        exchange.error((shed - before) + " events shed in the last second: the JetStream publish buffer is full ("
            + shed + " since start)");
      }
      shedSeen.put(exchange.exchange, shed);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("collector is closed");
    }
  }

  /** Closes every exchange connection; events stop. */
  @Override
  public synchronized void close() {
    closed = true;
    sampler.shutdownNow();
    venues.values().forEach(VenueConnections::close);
  }

  private static String bookKey(Venue venue, String nativeSymbol) {
    return venue.name() + "/" + nativeSymbol;
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** One venue's feed reports: events on to the outlet, rejects and re-syncs into the exchange's totals. */
  private final class VenueListener implements FeedListener {
    private final Venue venue;
    private final ExchangeStats exchange;

    VenueListener(Venue venue, ExchangeStats exchange) {
      this.venue = venue;
      this.exchange = exchange;
    }

    @Override
    public void onEvent(MarketEvent event) {
      if (event.hasBookSnapshot()) {
        // Book sync is tracked whether or not snapshots themselves are subscribed.
        exchange.snapshot(bookKey(venue, event.getBookSnapshot().getNativeSymbol()));
      }
      if (!subscriptions.publishes(MarketEventCodec.subject(event))) {
        return; // unsubscribed, or a stream the exchange sends along with a subscribed one
      }
      ExchangeStats.TypeStats type = exchange.type(MarketEventCodec.typeOf(event));
      type.events.increment();
      if (outlet.offer(event)) {
        type.published.increment();
        type.publishedPoint.inc();
      } else {
        type.shed.increment();
        type.shedPoint.inc();
      }
    }

    @Override
    public void onReject(FrameReject reject) {
      exchange.rejected(reject.reason(), reject.detail());
      rejectLog.onReject(reject);
    }

    @Override
    public void resyncNeeded(String exchangeName, String nativeSymbol, ResyncReason reason, String detail) {
      exchange.resyncRequested(bookKey(venue, nativeSymbol), reason, detail);
    }
  }
}
