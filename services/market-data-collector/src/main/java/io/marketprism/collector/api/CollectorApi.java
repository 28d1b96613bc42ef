package io.marketprism.collector.api;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.rpc.Code;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.collector.exchange.Exchange;
import io.marketprism.collector.exchange.SymbolFormat;
import io.marketprism.collector.feed.Collector;
import io.marketprism.collector.feed.SubscriptionLimitException;
import io.marketprism.collector.feed.SubscriptionLimits;
import io.marketprism.collector.instruments.InstrumentDirectory;
import io.marketprism.collector.instruments.ListingCheck;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.subscription.Subscriptions;
import io.marketprism.collector.subscription.SymbolResolver;
import io.marketprism.collector.v1.CollectorServiceGrpc;
import io.marketprism.collector.v1.Feed;
import io.marketprism.collector.v1.ListFeedsRequest;
import io.marketprism.collector.v1.ListFeedsResponse;
import io.marketprism.collector.v1.ListInstrumentsRequest;
import io.marketprism.collector.v1.ListInstrumentsResponse;
import io.marketprism.collector.v1.ListSubscriptionsRequest;
import io.marketprism.collector.v1.ListSubscriptionsResponse;
import io.marketprism.collector.v1.SubscribeRequest;
import io.marketprism.collector.v1.SubscribeResponse;
import io.marketprism.collector.v1.Subscription;
import io.marketprism.collector.v1.UnsubscribeRequest;
import io.marketprism.collector.v1.UnsubscribeResponse;
import io.marketprism.collector.v1.WatchFeedsRequest;
import io.marketprism.collector.v1.WatchFeedsResponse;
import io.marketprism.kit.api.FieldViolations;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.Instrument;
import io.marketprism.marketdata.v1.InstrumentType;
import io.marketprism.messaging.MarketDataSubjects;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The {@code marketprism.collector.v1.CollectorService} API: validates and translates, the
 * {@link Collector} does the work. Requests are checked completely before anything changes, and every
 * invalid field is reported in one {@code INVALID_ARGUMENT} with {@code google.rpc.BadRequest} violations.
 *
 * <p>ListInstruments serves the {@link InstrumentDirectory}'s lists, and Subscribe accepts only symbols an exchange
 * lists once its list is loaded (before that, symbols are let through unchecked); Subscribe's limits are the
 * {@link Collector}'s ({@code RESOURCE_EXHAUSTED} with {@code google.rpc.QuotaFailure}).
 *
 * <p>Thread-safe: calls share only the collector (thread-safe) and the watch scheduler.
 */
public final class CollectorApi extends CollectorServiceGrpc.CollectorServiceImplBase implements AutoCloseable {
  static final int MAX_SYMBOLS = 200;
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  static final int DEFAULT_INSTRUMENT_PAGE_SIZE = 500;
  static final int MAX_INSTRUMENT_PAGE_SIZE = 5000;
  static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(5);
  static final Duration MIN_WATCH_INTERVAL = Duration.ofSeconds(1);
  static final Duration MAX_WATCH_INTERVAL = Duration.ofMinutes(5);
  /** How often a watch looks for state changes. */
  private static final long WATCH_POLL_MILLIS = 200;

  private final Collector collector;
  private final InstrumentDirectory instruments;
  private final ListingCheck listing;
  private final SymbolResolver resolver;
  private final BooleanSupplier draining;
  private final ScheduledExecutorService watches = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "collector-watch-feeds");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param draining true once the service drains: open WatchFeeds streams then end with UNAVAILABLE
   */
  public CollectorApi(Collector collector, InstrumentDirectory instruments, SymbolResolver resolver,
      BooleanSupplier draining) {
    this.collector = collector;
    this.instruments = instruments;
    this.listing = new ListingCheck(instruments);
    this.resolver = resolver;
    this.draining = draining;
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> response) {
    answer(response, () -> doSubscribe(request, response));
  }

  private void doSubscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> response) {
    FieldViolations bad = new FieldViolations();
    Optional<Exchange> exchange = enabledExchange(request.getExchange(), bad);
    checkCount(request.getSymbolsList(), "symbols", bad);
    Set<DataType> types = dataTypes(request.getDataTypesList(), bad);
    Set<SubscriptionKey> keys = new LinkedHashSet<>(); // duplicates in the request count once
    if (exchange.isPresent()) {
      for (int i = 0; i < request.getSymbolsCount(); i++) {
        String symbol = request.getSymbols(i);
        Optional<Instrument> instrument = resolver.instrument(exchange.get(), symbol, true);
        if (instrument.isEmpty()) {
          bad.add("symbols[" + i + "]", "\"" + symbol + "\" is not a normalized symbol " + exchange.get().name()
              + " lists (e.g. BTC-USDT, BTC-USDT-PERP)");
          continue;
        }
        if (listing.check(exchange.get().name(), symbol) == ListingCheck.Verdict.NOT_LISTED) {
          bad.add("symbols[" + i + "]", "\"" + symbol + "\" is not listed by " + exchange.get().name()
              + " (ListInstruments shows what it lists)");
          continue;
        }
        for (DataType type : types) {
          if (resolver.offers(instrument.get(), type)) {
            keys.add(SymbolResolver.key(instrument.get(), type));
          } else {
            bad.add("data_types[" + request.getDataTypesList().indexOf(type) + "]", exchange.get().name()
                + " offers no " + MarketDataSubjects.typeToken(type) + " stream for " + symbol);
          }
        }
      }
    }
    bad.throwIfAny();
    Subscriptions.Change change;
    try {
      change = collector.subscribe(List.copyOf(keys));
    } catch (SubscriptionLimitException e) {
      throw quotaFailure(e);
    }
    response.onNext(SubscribeResponse.newBuilder()
        .addAllAdded(sorted(change.changed()))
        .addAllAlreadySubscribed(sorted(change.unchanged()))
        .build());
    response.onCompleted();
  }

  @Override
  public void unsubscribe(UnsubscribeRequest request, StreamObserver<UnsubscribeResponse> response) {
    answer(response, () -> doUnsubscribe(request, response));
  }

  private void doUnsubscribe(UnsubscribeRequest request, StreamObserver<UnsubscribeResponse> response) {
    FieldViolations bad = new FieldViolations();
    Optional<Exchange> exchange = exchange(request.getExchange(), bad);
    checkCount(request.getSymbolsList(), "symbols", bad);
    Set<DataType> types = dataTypes(request.getDataTypesList(), bad);
    bad.throwIfAny();
    List<SubscriptionKey> keys = new ArrayList<>();
    for (String symbol : new LinkedHashSet<>(request.getSymbolsList())) {
      // A symbol that is not even valid cannot be subscribed: it is reported as not subscribed.
      String nativeSymbol = resolver.instrument(exchange.get(), symbol, true).map(Instrument::getNativeSymbol).orElse("");
      for (DataType type : types) {
        keys.add(new SubscriptionKey(exchange.get().name(), symbol, nativeSymbol, type));
      }
    }
    Subscriptions.Change change = collector.unsubscribe(keys);
    response.onNext(UnsubscribeResponse.newBuilder()
        .addAllRemoved(sorted(change.changed()))
        .addAllNotSubscribed(sorted(change.unchanged()))
        .build());
    response.onCompleted();
  }

  @Override
  public void listSubscriptions(ListSubscriptionsRequest request, StreamObserver<ListSubscriptionsResponse> response) {
    answer(response, () -> doListSubscriptions(request, response));
  }

  private void doListSubscriptions(ListSubscriptionsRequest request, StreamObserver<ListSubscriptionsResponse> response) {
    if (request.getPageSize() < 0) {
      throw FieldViolations.single("page_size", "must not be negative (0 means " + DEFAULT_PAGE_SIZE + ")");
    }
    int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : Math.min(request.getPageSize(), MAX_PAGE_SIZE);
    Set<DataType> types = EnumSet.noneOf(DataType.class);
    types.addAll(request.getDataTypesList());
    String filters = request.getExchange() + ";" + types.stream().map(t -> Integer.toString(t.getNumber()))
        .collect(Collectors.joining(","));
    Optional<SubscriptionKey> after = subscriptionAfter(request.getPageToken(), filters);
    ListSubscriptionsResponse.Builder page = ListSubscriptionsResponse.newBuilder();
    SubscriptionKey last = null;
    for (Subscriptions.Entry entry : collector.subscriptions()) {
      SubscriptionKey key = entry.key();
      if ((!request.getExchange().isEmpty() && !request.getExchange().equals(key.exchange()))
          || (!types.isEmpty() && !types.contains(key.type()))
          || (after.isPresent() && key.compareTo(after.get()) <= 0)) {
        continue;
      }
      if (page.getSubscriptionsCount() == pageSize) {
        page.setNextPageToken(PageToken.issue(filters, last.exchange(), last.symbol(),
            Integer.toString(last.type().getNumber())));
        break;
      }
      page.addSubscriptions(subscription(entry));
      last = key;
    }
    response.onNext(page.build());
    response.onCompleted();
  }

  /** The last subscription of the previous page, from a ListSubscriptions token. */
  private static Optional<SubscriptionKey> subscriptionAfter(String token, String filters) {
    return PageToken.position(token, filters, 3).map(position -> {
      DataType type;
      try {
        type = DataType.forNumber(Integer.parseInt(position.get(2)));
      } catch (NumberFormatException e) {
        type = null;
      }
      if (type == null) {
        throw PageToken.malformed();
      }
      return new SubscriptionKey(position.get(0), position.get(1), "", type);
    });
  }

  @Override
  public void listInstruments(ListInstrumentsRequest request, StreamObserver<ListInstrumentsResponse> response) {
    answer(response, () -> doListInstruments(request, response));
  }

  private void doListInstruments(ListInstrumentsRequest request, StreamObserver<ListInstrumentsResponse> response) {
    FieldViolations bad = new FieldViolations();
    Optional<Exchange> exchange = enabledExchange(request.getExchange(), bad);
    if (request.getType() == InstrumentType.UNRECOGNIZED) {
      bad.add("type", "not an instrument type (INSTRUMENT_TYPE_SPOT, _PERPETUAL, _FUTURE, _OPTION)");
    }
    String base = request.getBase();
    if (!base.isEmpty() && !SymbolFormat.CURRENCY.matcher(base).matches()) {
      bad.add("base", "\"" + base + "\" is not an upper-case currency code such as BTC");
    }
    if (request.getPageSize() < 0) {
      bad.add("page_size", "must not be negative (0 means " + DEFAULT_INSTRUMENT_PAGE_SIZE + ")");
    }
    bad.throwIfAny();
    int pageSize = request.getPageSize() == 0
        ? DEFAULT_INSTRUMENT_PAGE_SIZE
        : Math.min(request.getPageSize(), MAX_INSTRUMENT_PAGE_SIZE);
    String filters = "instruments;" + request.getExchange() + ";" + request.getTypeValue() + ";" + base;
    Optional<String> after = PageToken.position(request.getPageToken(), filters, 1).map(position -> position.get(0));
    List<Instrument> listed = instruments.list(exchange.get().name())
        .orElseThrow(() -> notLoaded(exchange.get().name()));
    ListInstrumentsResponse.Builder page = ListInstrumentsResponse.newBuilder();
    String last = null;
    for (Instrument instrument : listed) {
      if ((request.getType() != InstrumentType.INSTRUMENT_TYPE_UNSPECIFIED && instrument.getType() != request.getType())
          || (!base.isEmpty() && !base.equals(instrument.getBase()))
          || (after.isPresent() && instrument.getSymbol().compareTo(after.get()) <= 0)) {
        continue;
      }
      if (page.getInstrumentsCount() == pageSize) {
        page.setNextPageToken(PageToken.issue(filters, last));
        break;
      }
      page.addInstruments(instrument);
      last = instrument.getSymbol();
    }
    response.onNext(page.build());
    response.onCompleted();
  }

  private StatusRuntimeException notLoaded(String exchange) {
    java.time.Duration retry = instruments.retryAfter();
    com.google.protobuf.Duration delay = com.google.protobuf.Duration.newBuilder()
        .setSeconds(retry.getSeconds()).setNanos(retry.getNano()).build();
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.UNAVAILABLE_VALUE)
        .setMessage("the " + exchange + " instrument list has not been loaded from the exchange yet; retry in "
            + Durations.toString(delay))
        .addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(delay).build()))
        .build());
  }

  @Override
  public void listFeeds(ListFeedsRequest request, StreamObserver<ListFeedsResponse> response) {
    answer(response, () -> doListFeeds(request, response));
  }

  private void doListFeeds(ListFeedsRequest request, StreamObserver<ListFeedsResponse> response) {
    String exchange = feedFilter(request.getExchange());
    response.onNext(ListFeedsResponse.newBuilder().addAllFeeds(collector.feeds(exchange)).build());
    response.onCompleted();
  }

  @Override
  public void watchFeeds(WatchFeedsRequest request, StreamObserver<WatchFeedsResponse> response) {
    answer(response, () -> doWatchFeeds(request, response));
  }

  private void doWatchFeeds(WatchFeedsRequest request, StreamObserver<WatchFeedsResponse> response) {
    FieldViolations bad = new FieldViolations();
    String exchange = request.getExchange();
    if (!exchange.isEmpty() && resolver.exchange(exchange).isEmpty()) {
      bad.add("exchange", unknownExchange(exchange));
    }
    Duration interval = DEFAULT_WATCH_INTERVAL;
    if (request.hasInterval()) {
      if (!Durations.isValid(request.getInterval())) {
        bad.add("interval", "not a valid duration");
      } else {
        interval = Duration.ofSeconds(request.getInterval().getSeconds(), request.getInterval().getNanos());
        if (interval.compareTo(MIN_WATCH_INTERVAL) < 0 || interval.compareTo(MAX_WATCH_INTERVAL) > 0) {
          bad.add("interval", "must be between 1s and 5m, was " + Durations.toString(request.getInterval()));
        }
      }
    }
    bad.throwIfAny();
    new FeedWatch((ServerCallStreamObserver<WatchFeedsResponse>) response, exchange, interval).start();
  }

  /** One WatchFeeds stream: the full list at once, then on every state change, else every interval. */
  private final class FeedWatch implements Runnable {
    private final ServerCallStreamObserver<WatchFeedsResponse> stream;
    private final String exchange;
    private final long intervalNanos;
    private List<String> lastStates;
    private long lastSentNanos;
    private ScheduledFuture<?> task;
    private boolean ended;

    FeedWatch(ServerCallStreamObserver<WatchFeedsResponse> stream, String exchange, Duration interval) {
      this.stream = stream;
      this.exchange = exchange;
      this.intervalNanos = interval.toNanos();
    }

    void start() {
      // The handler runs on the call's thread; the task on the watch thread: both touch `task` under this.
      stream.setOnCancelHandler(this::stop);
      synchronized (this) {
        task = watches.scheduleWithFixedDelay(this, 0, WATCH_POLL_MILLIS, TimeUnit.MILLISECONDS);
      }
    }

    private synchronized void stop() {
      ended = true;
      if (task != null) {
        task.cancel(false);
      }
    }

    @Override
    public synchronized void run() {
      if (ended || stream.isCancelled()) {
        stop();
        return;
      }
      try {
        if (draining.getAsBoolean()) {
          stop();
          stream.onError(Status.UNAVAILABLE.withDescription("the collector is draining (shutting down); reconnect")
              .asRuntimeException());
          return;
        }
        List<Feed> feeds = collector.feeds(exchange);
        List<String> states = feeds.stream()
            .map(feed -> feed.getExchange() + "/" + feed.getDataType() + "/" + feed.getState())
            .collect(Collectors.toList());
        long now = System.nanoTime();
        if (lastStates == null || !states.equals(lastStates) || now - lastSentNanos >= intervalNanos) {
          // gRPC flow control: skip a round rather than queue without bound for a client that does not read.
          if (stream.isReady() || lastStates == null) {
            stream.onNext(WatchFeedsResponse.newBuilder().addAllFeeds(feeds).build());
            lastStates = states;
            lastSentNanos = now;
          }
        }
      } catch (RuntimeException e) {
        stop();
        stream.onError(Status.INTERNAL.withDescription("watch failed: " + e).asRuntimeException());
      }
    }
  }

  /** RESOURCE_EXHAUSTED naming every limit the change would exceed. */
  private static StatusRuntimeException quotaFailure(SubscriptionLimitException e) {
    QuotaFailure.Builder failure = QuotaFailure.newBuilder();
    for (SubscriptionLimits.Violation violation : e.violations()) {
      failure.addViolations(QuotaFailure.Violation.newBuilder()
          .setSubject(violation.subject()).setDescription(violation.description()));
    }
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
        .setMessage(e.getMessage() + "; nothing was subscribed")
        .addDetails(Any.pack(failure.build()))
        .build());
  }

  /**
   * Runs a handler, turning a validation failure into the call's status: a {@code StatusRuntimeException}
   * thrown out of a handler would reach the client as {@code UNKNOWN}.
   */
  private static void answer(StreamObserver<?> response, Runnable handler) {
    try {
      handler.run();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /** Stops every watch's polling (streams end when the server shuts down). */
  @Override
  public void close() {
    watches.shutdownNow();
  }

  private Optional<Exchange> exchange(String name, FieldViolations bad) {
    if (name.isEmpty()) {
      bad.add("exchange", "required: one of " + resolver.exchangeNames());
      return Optional.empty();
    }
    Optional<Exchange> exchange = resolver.exchange(name);
    if (exchange.isEmpty()) {
      bad.add("exchange", unknownExchange(name));
    }
    return exchange;
  }

  /** The exchange called {@code name}, which must also be enabled here; a violation otherwise. */
  private Optional<Exchange> enabledExchange(String name, FieldViolations bad) {
    Optional<Exchange> exchange = exchange(name, bad);
    if (exchange.isPresent() && !collector.enabled(exchange.get().name())) {
      bad.add("exchange", name + " is not enabled in this collector's configuration");
    }
    return exchange;
  }

  private String feedFilter(String exchange) {
    if (!exchange.isEmpty() && resolver.exchange(exchange).isEmpty()) {
      throw FieldViolations.single("exchange", unknownExchange(exchange));
    }
    return exchange;
  }

  private String unknownExchange(String name) {
    return "unknown exchange \"" + name + "\": expected one of " + resolver.exchangeNames();
  }

  private static void checkCount(List<String> symbols, String field, FieldViolations bad) {
    if (symbols.isEmpty()) {
      bad.add(field, "at least one symbol is required");
    } else if (symbols.size() > MAX_SYMBOLS) {
      bad.add(field, "at most " + MAX_SYMBOLS + " symbols per request, got " + symbols.size());
    }
  }

  private static Set<DataType> dataTypes(List<DataType> requested, FieldViolations bad) {
    if (requested.isEmpty()) {
      bad.add("data_types", "at least one data type is required");
    }
    Set<DataType> types = new LinkedHashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      DataType type = requested.get(i);
      if (type == DataType.DATA_TYPE_UNSPECIFIED || type == DataType.UNRECOGNIZED) {
        bad.add("data_types[" + i + "]", "must be a data type such as DATA_TYPE_TRADE, not " + type);
      } else {
        types.add(type);
      }
    }
    return types;
  }

  private static List<Subscription> sorted(List<Subscriptions.Entry> entries) {
    List<Subscriptions.Entry> copy = new ArrayList<>(entries);
    copy.sort(Comparator.comparing(Subscriptions.Entry::key));
    List<Subscription> list = new ArrayList<>(copy.size());
    for (Subscriptions.Entry entry : copy) {
      list.add(subscription(entry));
    }
    return list;
  }

  private static Subscription subscription(Subscriptions.Entry entry) {
    SubscriptionKey key = entry.key();
    Subscription.Builder subscription = Subscription.newBuilder()
        .setExchange(key.exchange())
        .setSymbol(key.symbol())
        .setDataType(key.type());
    if (entry.createTime() != null) {
      subscription.setSubject(key.subject()).setCreateTime(timestamp(entry.createTime()));
    }
    return subscription.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
