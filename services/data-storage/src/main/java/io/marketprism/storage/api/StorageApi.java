package io.marketprism.storage.api;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.DataType;
import io.marketprism.marketdata.v1.MarketEvent;
import io.marketprism.marketdata.v1.Ticker;
import io.marketprism.marketdata.v1.Trade;
import io.marketprism.messaging.MarketEventCodec;
import io.marketprism.storage.query.Archiver;
import io.marketprism.storage.query.CandleQueries;
import io.marketprism.storage.query.EventQueries;
import io.marketprism.storage.query.EventQueries.AtCursorTime;
import io.marketprism.storage.query.EventQueries.Cursor;
import io.marketprism.storage.publish.AckedPublisher;
import io.marketprism.storage.query.StatsQueries;
import io.marketprism.storage.schema.EventTable;
import io.marketprism.storage.v1.ArchiveRequest;
import io.marketprism.storage.v1.ArchiveResponse;
import io.marketprism.storage.v1.Candle;
import io.marketprism.storage.v1.CandleInterval;
import io.marketprism.storage.v1.FollowEventsRequest;
import io.marketprism.storage.v1.FollowEventsResponse;
import io.marketprism.storage.v1.GetBookSnapshotRequest;
import io.marketprism.storage.v1.GetBookSnapshotResponse;
import io.marketprism.storage.v1.GetLatestTickerRequest;
import io.marketprism.storage.v1.GetLatestTickerResponse;
import io.marketprism.storage.v1.GetStatsRequest;
import io.marketprism.storage.v1.GetStatsResponse;
import io.marketprism.storage.v1.ListCandlesRequest;
import io.marketprism.storage.v1.ListCandlesResponse;
import io.marketprism.storage.v1.ListTradesRequest;
import io.marketprism.storage.v1.ListTradesResponse;
import io.marketprism.storage.v1.PurgeArchiveRequest;
import io.marketprism.storage.v1.PurgeArchiveResponse;
import io.marketprism.storage.v1.ReplayEventsRequest;
import io.marketprism.storage.v1.ReplayEventsResponse;
import io.marketprism.storage.v1.StorageServiceGrpc;
import io.marketprism.storage.v1.WriteOrderBooksRequest;
import io.marketprism.storage.v1.WriteOrderBooksResponse;
import io.marketprism.storage.v1.WriteTickersRequest;
import io.marketprism.storage.v1.WriteTickersResponse;
import io.marketprism.storage.v1.WriteTradesRequest;
import io.marketprism.storage.v1.WriteTradesResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code marketprism.storage.v1.StorageService} API: validates each request (INVALID_ARGUMENT with
 * {@code BadRequest} field violations), translates it to the query layer (reads) or to JetStream (writes, which the
 * ingest then stores like collected data), and maps failures: ClickHouse or JetStream unreachable → UNAVAILABLE. Semantics are those documented in {@code storage_service.proto}. Thread-safe (stateless; the
 * collaborators are thread-safe).
 */
public final class StorageApi extends StorageServiceGrpc.StorageServiceImplBase {

  static final int DEFAULT_TRADES = 1000;
  static final int MAX_TRADES = 10_000;
  static final int DEFAULT_CANDLES = 500;
  static final int MAX_CANDLES = 5000;
  static final int REPLAY_BATCH = 1000;
  static final int MAX_WRITE_RECORDS = 1000;
  static final int MAX_WRITE_SNAPSHOTS = 100;
  /** How long a write waits for JetStream's acks when the call has no deadline. */
  static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final EventQueries events;
  private final CandleQueries candles;
  private final StatsQueries stats;
  private final Archiver archiver;
  private final FollowHub follow;
  private final AckedPublisher writes;
  private final Function<EventTable, OptionalLong> lag;
  private final Set<String> exchanges;
  private final Clock clock;

  public StorageApi(EventQueries events, CandleQueries candles, StatsQueries stats, Archiver archiver,
      FollowHub follow, AckedPublisher writes, Function<EventTable, OptionalLong> lag, Set<String> exchanges,
      Clock clock) {
    this.events = events;
    this.candles = candles;
    this.stats = stats;
    this.archiver = archiver;
    this.follow = follow;
    this.writes = writes;
    this.lag = lag;
    this.exchanges = Set.copyOf(exchanges);
    this.clock = clock;
  }

  @Override
  public void listTrades(ListTradesRequest request, StreamObserver<ListTradesResponse> response) {
    respond(response, () -> {
      RequestChecks violations = new RequestChecks()
          .exchange(request.getExchange(), exchanges)
          .symbol(request.getSymbol())
          .notNegative("start_time_ns", request.getStartTimeNs())
          .notNegative("end_time_ns", request.getEndTimeNs())
          .notNegative("limit", request.getLimit());
      if (request.getEndTimeNs() != 0 && request.getEndTimeNs() <= request.getStartTimeNs()) {
        violations.add("end_time_ns", "must be greater than start_time_ns");
      }
      // without a lower bound a page holds the newest trades and the next one goes back in time
      boolean newest = request.getStartTimeNs() == 0;
      List<String> scope = List.of("trades", newest ? "newest" : "oldest", request.getExchange(),
          request.getSymbol(), Long.toString(request.getStartTimeNs()), Long.toString(request.getEndTimeNs()));
      Optional<Cursor> cursor = Optional.empty();
      if (!request.getPageToken().isEmpty()) {
        cursor = PageTokens.decode(request.getPageToken(), scope, 2)
            .flatMap(position -> PageTokens.parseLong(position.get(0)).map(time -> new Cursor(time, position.get(1))));
        if (cursor.isEmpty()) {
          violations.add("page_token", "not a page token of this exchange, symbol and range");
        }
      }
      violations.throwIfAny();
      int limit = request.getLimit() == 0 ? DEFAULT_TRADES : Math.min(request.getLimit(), MAX_TRADES);
      long end = request.getEndTimeNs() == 0 ? Long.MAX_VALUE : request.getEndTimeNs();
      List<Trade> trades = newest
          ? events.newestTrades(request.getExchange(), request.getSymbol(), end, cursor, limit)
          : events.trades(request.getExchange(), request.getSymbol(), request.getStartTimeNs(), end, cursor, limit);
      ListTradesResponse.Builder builder = ListTradesResponse.newBuilder().addAllTrades(trades);
      if (trades.size() == limit) {
        // the next page continues from this page's edge in its direction: the first trade going back, else the last
        Trade edge = newest ? trades.get(0) : trades.get(trades.size() - 1);
        builder.setNextPageToken(PageTokens.encode(scope,
            List.of(Long.toString(MarketEventCodec.eventTimeNs(MarketEvent.newBuilder().setTrade(edge).build())),
                edge.getTradeId())));
      }
      return builder.build();
    });
  }

  @Override
  public void getLatestTicker(GetLatestTickerRequest request, StreamObserver<GetLatestTickerResponse> response) {
    respond(response, () -> {
      new RequestChecks().exchange(request.getExchange(), exchanges).symbol(request.getSymbol()).throwIfAny();
      Ticker ticker = events.latestTicker(request.getExchange(), request.getSymbol())
          .orElseThrow(() -> Status.NOT_FOUND.withDescription(
              "no ticker stored for " + request.getExchange() + " " + request.getSymbol()).asRuntimeException());
      return GetLatestTickerResponse.newBuilder().setTicker(ticker).build();
    });
  }

  @Override
  public void getBookSnapshot(GetBookSnapshotRequest request, StreamObserver<GetBookSnapshotResponse> response) {
    respond(response, () -> {
      new RequestChecks()
          .exchange(request.getExchange(), exchanges)
          .symbol(request.getSymbol())
          .notNegative("time_ns", request.getTimeNs())
          .notNegative("depth", request.getDepth())
          .throwIfAny();
      long at = request.getTimeNs() == 0 ? Long.MAX_VALUE : request.getTimeNs();
      BookSnapshot snapshot = events.bookSnapshotAt(request.getExchange(), request.getSymbol(), at,
              request.getDepth())
          .orElseThrow(() -> Status.NOT_FOUND.withDescription("no book snapshot stored for " + request.getExchange()
              + " " + request.getSymbol() + " at or before " + request.getTimeNs()).asRuntimeException());
      return GetBookSnapshotResponse.newBuilder().setSnapshot(snapshot).build();
    });
  }

  @Override
  public void listCandles(ListCandlesRequest request, StreamObserver<ListCandlesResponse> response) {
    respond(response, () -> {
      RequestChecks violations = new RequestChecks()
          .exchange(request.getExchange(), exchanges)
          .symbol(request.getSymbol())
          .notNegative("start_time_ns", request.getStartTimeNs())
          .notNegative("end_time_ns", request.getEndTimeNs())
          .notNegative("limit", request.getLimit());
      long intervalNs = intervalNs(request.getInterval());
      if (intervalNs == 0) {
        violations.add("interval", "required: one of CANDLE_INTERVAL_1M … CANDLE_INTERVAL_1D");
      }
      if (request.getEndTimeNs() != 0 && request.getEndTimeNs() <= request.getStartTimeNs()) {
        violations.add("end_time_ns", "must be greater than start_time_ns");
      }
      boolean newest = request.getStartTimeNs() == 0;
      List<String> scope = List.of("candles", newest ? "newest" : "oldest", request.getExchange(), request.getSymbol(),
          request.getInterval().name(), Long.toString(request.getStartTimeNs()),
          Long.toString(request.getEndTimeNs()));
      Optional<Long> cursor = Optional.empty();
      if (!request.getPageToken().isEmpty()) {
        cursor = PageTokens.decode(request.getPageToken(), scope, 1).flatMap(p -> PageTokens.parseLong(p.get(0)));
        if (cursor.isEmpty()) {
          violations.add("page_token", "not a page token of this request");
        }
      }
      violations.throwIfAny();
      int limit = request.getLimit() == 0 ? DEFAULT_CANDLES : Math.min(request.getLimit(), MAX_CANDLES);
      long first = Math.floorDiv(request.getStartTimeNs(), intervalNs) * intervalNs;
      long end = request.getEndTimeNs() == 0 ? Long.MAX_VALUE : request.getEndTimeNs();
      List<Candle> page = newest
          ? candles.newestCandles(request.getExchange(), request.getSymbol(), request.getInterval(), intervalNs, end,
              cursor, limit, nowNs())
          : candles.candles(request.getExchange(), request.getSymbol(), request.getInterval(), intervalNs, first, end,
              cursor, limit, nowNs());
      ListCandlesResponse.Builder builder = ListCandlesResponse.newBuilder().addAllCandles(page);
      if (page.size() == limit) {
        Candle edge = newest ? page.get(0) : page.get(page.size() - 1);
        builder.setNextPageToken(PageTokens.encode(scope, List.of(Long.toString(edge.getStartTimeNs()))));
      }
      return builder.build();
    });
  }

  @Override
  public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> response) {
    respond(response, () -> GetStatsResponse.newBuilder().addAllTables(stats.tables(lag)).build());
  }

  @Override
  public void archive(ArchiveRequest request, StreamObserver<ArchiveResponse> response) {
    respond(response, () -> {
      RequestChecks violations = cutoff(request.getCutoffTimeNs());
      Set<DataType> types = dataTypes(request.getDataTypesList(), violations);
      violations.notNegative("max_partitions", request.getMaxPartitions());
      violations.throwIfAny();
      try {
        Archiver.ArchiveOutcome outcome = archiver.archive(request.getCutoffTimeNs(), types,
            request.getMaxPartitions(), request.getDryRun(), request.getWait());
        return ArchiveResponse.newBuilder()
            .setMovedRows(outcome.movedRows())
            .addAllPartitions(outcome.partitions())
            .setRemainingPartitions(outcome.remaining())
            .build();
      } catch (Archiver.BusyException e) {
        throw Status.ABORTED.withDescription(e.getMessage()).asRuntimeException();
      }
    });
  }

  @Override
  public void purgeArchive(PurgeArchiveRequest request, StreamObserver<PurgeArchiveResponse> response) {
    respond(response, () -> {
      RequestChecks violations = cutoff(request.getCutoffTimeNs());
      Set<DataType> types = dataTypes(request.getDataTypesList(), violations);
      violations.throwIfAny();
      try {
        Archiver.PurgeOutcome outcome =
            archiver.purge(request.getCutoffTimeNs(), types, request.getDryRun(), request.getWait());
        return PurgeArchiveResponse.newBuilder()
            .setDroppedRows(outcome.droppedRows())
            .addAllPartitions(outcome.partitions())
            .build();
      } catch (Archiver.BusyException e) {
        throw Status.ABORTED.withDescription(e.getMessage()).asRuntimeException();
      } catch (Archiver.HotDataRemainsException e) {
        throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
      }
    });
  }

  @Override
  public void replayEvents(ReplayEventsRequest request, StreamObserver<ReplayEventsResponse> response) {
    ServerCallStreamObserver<ReplayEventsResponse> call = (ServerCallStreamObserver<ReplayEventsResponse>) response;
    try {
      RequestChecks violations = new RequestChecks()
          .exchange(request.getExchange(), exchanges)
          .symbol(request.getSymbol());
      Set<DataType> types = dataTypes(request.getDataTypesList(), violations);
      if (request.getStartTimeNs() <= 0) {
        violations.add("start_time_ns", "required and positive");
      }
      if (request.getEndTimeNs() <= request.getStartTimeNs()) {
        violations.add("end_time_ns", "required and greater than start_time_ns");
      } else if (request.getEndTimeNs() > nowNs()) {
        violations.add("end_time_ns", "must not be in the future (use FollowEvents for live data)");
      }
      Set<DataType> replayed = types.isEmpty() ? allTypes() : types;
      List<String> scope = List.of("replay", request.getExchange(), request.getSymbol(),
          replayed.stream().map(t -> Integer.toString(t.getNumber())).collect(Collectors.joining(",")),
          Long.toString(request.getStartTimeNs()), Long.toString(request.getEndTimeNs()));
      Optional<ReplayPosition> position = Optional.empty();
      if (!request.getResumeToken().isEmpty()) {
        position = PageTokens.decode(request.getResumeToken(), scope, 3).flatMap(ReplayPosition::parse);
        if (position.isEmpty()) {
          violations.add("resume_token", "not a resume token of this replay");
        }
      }
      violations.throwIfAny();
      while (!call.isCancelled()) {
        List<MarketEvent> batch = nextReplayBatch(request, replayed, position);
        if (batch.isEmpty()) {
          break;
        }
        position = Optional.of(ReplayPosition.of(batch.get(batch.size() - 1)));
        while (!call.isReady() && !call.isCancelled()) {
          Thread.sleep(5);
        }
        call.onNext(ReplayEventsResponse.newBuilder()
            .addAllEvents(batch)
            .setResumeToken(PageTokens.encode(scope, position.get().parts()))
            .build());
        if (batch.size() < REPLAY_BATCH) {
          break;
        }
      }
      if (!call.isCancelled()) {
        call.onCompleted();
      }
    } catch (StatusRuntimeException e) {
      call.onError(e);
    } catch (SQLException e) {
      call.onError(unavailable(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.onError(Status.CANCELLED.withDescription("storage is stopping").asRuntimeException());
    }
  }

  @Override
  public void writeTrades(WriteTradesRequest request, StreamObserver<WriteTradesResponse> response) {
    respond(response, () -> {
      AckedPublisher.Outcome outcome = write("trades", request.getTradesList(), MAX_WRITE_RECORDS,
          RecordChecks::trade, (trade, nowNs) -> MarketEvent.newBuilder().setTrade(trade.getReceiveTimeNs() != 0
              ? trade : trade.toBuilder().setReceiveTimeNs(nowNs).build()).build());
      return WriteTradesResponse.newBuilder().setAccepted(outcome.acked()).setDuplicates(outcome.duplicates()).build();
    });
  }

  @Override
  public void writeTickers(WriteTickersRequest request, StreamObserver<WriteTickersResponse> response) {
    respond(response, () -> {
      AckedPublisher.Outcome outcome = write("tickers", request.getTickersList(), MAX_WRITE_RECORDS,
          RecordChecks::ticker, (ticker, nowNs) -> MarketEvent.newBuilder().setTicker(ticker.getReceiveTimeNs() != 0
              ? ticker : ticker.toBuilder().setReceiveTimeNs(nowNs).build()).build());
      return WriteTickersResponse.newBuilder().setAccepted(outcome.acked()).setDuplicates(outcome.duplicates())
          .build();
    });
  }

  @Override
  public void writeOrderBooks(WriteOrderBooksRequest request, StreamObserver<WriteOrderBooksResponse> response) {
    respond(response, () -> {
      AckedPublisher.Outcome outcome = write("snapshots", request.getSnapshotsList(), MAX_WRITE_SNAPSHOTS,
          RecordChecks::snapshot, (book, nowNs) -> MarketEvent.newBuilder().setBookSnapshot(
              book.getReceiveTimeNs() != 0 ? book : book.toBuilder().setReceiveTimeNs(nowNs).build()).build());
      return WriteOrderBooksResponse.newBuilder().setAccepted(outcome.acked()).setDuplicates(outcome.duplicates())
          .build();
    });
  }

  /** Checks one record at its path in the request. */
  @FunctionalInterface
  private interface RecordCheck<R> {
    void check(RecordChecks checks, String path, R record);
  }

  /** The event a valid record is published as, given the time the call arrived. */
  @FunctionalInterface
  private interface ToEvent<R> {
    MarketEvent toEvent(R record, long nowNs);
  }

  /**
   * The write RPCs' one path: every record is checked first and any violation fails the whole call (nothing is
   * published, so a client never has to find out which half of a batch went in); then all are published and their
   * acks awaited within the call's deadline.
   */
  private <R> AckedPublisher.Outcome write(String field, List<R> records, int max, RecordCheck<R> check,
      ToEvent<R> toEvent) throws InterruptedException {
    long nowNs = nowNs();
    RequestChecks violations = new RequestChecks();
    RecordChecks checks = new RecordChecks(violations, exchanges, nowNs);
    if (RecordChecks.batchSize(violations, field, records.size(), max)) {
      for (int i = 0; i < records.size(); i++) {
        check.check(checks, field + "[" + i + "]", records.get(i));
      }
    }
    violations.throwIfAny();
    List<MarketEvent> events = new ArrayList<>(records.size());
    records.forEach(record -> events.add(toEvent.toEvent(record, nowNs)));
    Deadline deadline = Context.current().getDeadline();
    Duration timeout = deadline == null ? DEFAULT_WRITE_TIMEOUT
        : Duration.ofNanos(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    try {
      return writes.publish(events, timeout);
    } catch (TimeoutException e) {
      throw Status.UNAVAILABLE.withDescription("JetStream did not acknowledge every " + field + " record within "
          + timeout.toMillis() + " ms; some may be stored, writing them again is safe").asRuntimeException();
    } catch (IOException e) {
      throw Status.UNAVAILABLE.withDescription(e.getMessage() + "; writing again is safe").withCause(e)
          .asRuntimeException();
    }
  }

  @Override
  public void followEvents(FollowEventsRequest request, StreamObserver<FollowEventsResponse> response) {
    RequestChecks violations = new RequestChecks().exchange(request.getExchange(), exchanges);
    if (!request.getSymbol().equals("*")) {
      violations.symbol(request.getSymbol());
    }
    Set<DataType> types = dataTypes(request.getDataTypesList(), violations);
    try {
      violations.throwIfAny();
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    follow.follow(request.getExchange(), request.getSymbol(), types,
        (ServerCallStreamObserver<FollowEventsResponse>) response);
  }

  /** Where a replay stands: the last sent event's (time, type, key). */
  private record ReplayPosition(long timeNs, DataType type, String key) {
    static ReplayPosition of(MarketEvent event) {
      return new ReplayPosition(MarketEventCodec.eventTimeNs(event), MarketEventCodec.typeOf(event),
          MarketEventCodec.nativeKey(event));
    }

    static Optional<ReplayPosition> parse(List<String> parts) {
      Optional<Long> time = PageTokens.parseLong(parts.get(0));
      Optional<Long> type = PageTokens.parseLong(parts.get(1));
      if (time.isEmpty() || type.isEmpty()) {
        return Optional.empty();
      }
      DataType dataType = DataType.forNumber(type.get().intValue());
      return dataType == null ? Optional.empty() : Optional.of(new ReplayPosition(time.get(), dataType, parts.get(2)));
    }

    List<String> parts() {
      return List.of(Long.toString(timeNs), Integer.toString(type.getNumber()), key);
    }
  }

  /** The next events in (time, type, key) order: up to a batch of each type, merged, the first batch of them. */
  private List<MarketEvent> nextReplayBatch(ReplayEventsRequest request, Set<DataType> types,
      Optional<ReplayPosition> position) throws SQLException {
    List<MarketEvent> merged = new ArrayList<>();
    for (DataType type : types) {
      AtCursorTime atTime = AtCursorTime.AFTER_KEY;
      Optional<Cursor> cursor = position.map(p -> new Cursor(p.timeNs(), p.key()));
      if (position.isPresent() && type != position.get().type()) {
        atTime = type.getNumber() > position.get().type().getNumber() ? AtCursorTime.ALL : AtCursorTime.NONE;
      }
      merged.addAll(events.events(type, request.getExchange(), request.getSymbol(), request.getStartTimeNs(),
          request.getEndTimeNs(), cursor, atTime, REPLAY_BATCH));
    }
    merged.sort(Comparator.comparingLong(MarketEventCodec::eventTimeNs)
        .thenComparingInt(event -> MarketEventCodec.typeOf(event).getNumber())
        .thenComparing(MarketEventCodec::nativeKey));
    return merged.size() > REPLAY_BATCH ? merged.subList(0, REPLAY_BATCH) : merged;
  }

  private RequestChecks cutoff(long cutoffNs) {
    RequestChecks violations = new RequestChecks();
    if (cutoffNs <= 0) {
      violations.add("cutoff_time_ns", "required and positive");
    } else if (cutoffNs > nowNs()) {
      violations.add("cutoff_time_ns", "must not be in the future");
    }
    return violations;
  }

  private static Set<DataType> dataTypes(List<DataType> requested, RequestChecks violations) {
    Set<DataType> types = new TreeSet<>();
    for (int i = 0; i < requested.size(); i++) {
      DataType type = requested.get(i);
      if (type == DataType.DATA_TYPE_UNSPECIFIED || type == DataType.UNRECOGNIZED) {
        violations.add("data_types[" + i + "]", "not a data type");
      } else {
        types.add(type);
      }
    }
    return types;
  }

  private static Set<DataType> allTypes() {
    Set<DataType> all = EnumSet.allOf(DataType.class);
    all.remove(DataType.DATA_TYPE_UNSPECIFIED);
    all.remove(DataType.UNRECOGNIZED);
    return new TreeSet<>(all);
  }

  static long intervalNs(CandleInterval interval) {
    return switch (interval) {
      case CANDLE_INTERVAL_1M -> TimeUnit.MINUTES.toNanos(1);
      case CANDLE_INTERVAL_5M -> TimeUnit.MINUTES.toNanos(5);
      case CANDLE_INTERVAL_15M -> TimeUnit.MINUTES.toNanos(15);
      case CANDLE_INTERVAL_1H -> TimeUnit.HOURS.toNanos(1);
      case CANDLE_INTERVAL_4H -> TimeUnit.HOURS.toNanos(4);
      case CANDLE_INTERVAL_1D -> TimeUnit.DAYS.toNanos(1);
      default -> 0;
    };
  }

  private long nowNs() {
    return TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }

  /** A unary call's work; may throw StatusRuntimeException or SQLException. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws SQLException, InterruptedException;
  }

  private static <T> void respond(StreamObserver<T> response, Call<T> call) {
    try {
      response.onNext(call.run());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (SQLException e) {
      response.onError(unavailable(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("storage is stopping").asRuntimeException());
    }
  }

  private static StatusRuntimeException unavailable(SQLException e) {
    return Status.UNAVAILABLE.withDescription("ClickHouse query failed: " + e.getMessage()).withCause(e)
        .asRuntimeException();
  }
}
