package io.marketprism.collector.connection;

import io.marketprism.collector.book.ResyncReason;
import io.marketprism.collector.exchange.ExchangeFeed;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.FeedCounters;
import io.marketprism.collector.exchange.FeedListener;
import io.marketprism.collector.exchange.FrameOutcome;
import io.marketprism.collector.exchange.FrameReject;
import io.marketprism.marketdata.v1.MarketEvent;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to an exchange, kept alive for as long as it is open: subscribes its channels
 * when it connects, sends the protocol's keep-alives and answers its heartbeat requests, pings it when it is
 * quiet (so that a dead connection the JDK client did not report is noticed), reconnects with
 * exponential backoff and jitter when the connection drops or goes silent (and proactively before the
 * exchange's lifetime limit), resubscribes, and re-syncs books when the feed asks (a REST snapshot for
 * Binance, a resubscribe for OKX and Deribit), and keeps its subscribe/unsubscribe requests within the exchange's
 * request limit ({@link ChannelRequests}). Every frame goes through the exchange's
 * {@link ExchangeFeed}; its events, rejects and resync requests go on to the {@link FeedListener}.
 *
 * <p>Threading: all state lives on one single-threaded scheduler per connection (the "serial" thread):
 * WebSocket callbacks, REST answers and timers hop onto it, so the feed and its books see one thread. The
 * next frame is requested from the WebSocket only after the previous one was handled, so a slow listener
 * slows the reader (TCP backpressure) rather than queueing without bound. A generation number, bumped on
 * every (re)connect, makes callbacks of a replaced WebSocket harmless. {@link #status()} and
 * {@link #close()} may be called from any thread.
 */
public final class FeedConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedConnection.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  /** Longest quiet time before a connection is probed with a WebSocket ping (see {@link #probe}). */
  private static final Duration MAX_PROBE_QUIET = Duration.ofSeconds(5);

  private final ExchangeProtocol protocol;
  private final ConnectionSettings settings;
  // Replaced (never mutated) on the serial thread by changeChannels; read there only.
  private List<String> channels;
  private final FeedListener downstream;
  private final HttpClient http;
  private final FrameTracing tracing;
  private final ScheduledExecutorService serial;
  private final ExchangeFeed feed;
  private final Backoff backoff;
  private final AtomicLong reconnects = new AtomicLong();
  /** Subscribe/unsubscribe requests within the exchange's limit; used on the serial thread. */
  private final ChannelRequests requests;
  private final AtomicLong requestWaits = new AtomicLong();

  // Confined to the serial thread.
  private WebSocket socket;
  private CompletableFuture<WebSocket> sends = CompletableFuture.completedFuture(null);
  private long generation;
  private boolean closed;
  private long lastFrameNanos;
  private ScheduledFuture<?> keepAlive;
  private ScheduledFuture<?> idleCheck;
  private ScheduledFuture<?> probe;
  private ScheduledFuture<?> lifetime;
  private ScheduledFuture<?> requestFlush;
  private final Set<String> snapshotsInFlight = new HashSet<>();

  // Read by status() from any thread.
  private volatile Instant connectedSince;
  private volatile Instant lastMessageTime;

  private FeedConnection(ExchangeProtocol protocol, ConnectionSettings settings, List<String> channels,
      FeedListener downstream, HttpClient http, FrameTracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.channels = List.copyOf(channels);
    this.downstream = Objects.requireNonNull(downstream, "downstream");
    this.http = Objects.requireNonNull(http, "http");
    checkChannelCount(protocol, this.channels);
    if (settings.restUri() == null && protocol.restSnapshotUri(URI.create("http://probe"), "X").isPresent()) {
      throw new IllegalArgumentException(protocol.exchange() + " books need a REST snapshot URL (restUri)");
    }
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "feed-" + protocol.exchange());
      thread.setDaemon(true);
      return thread;
    });
    // Closing must not wait for far-off timers (a 24 h lifetime renewal, a pending reconnect).
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.serial = executor;
    this.feed = protocol.newFeed(new Relay());
    this.requests = new ChannelRequests(protocol, System::nanoTime);
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Opens a connection carrying {@code channels} (as {@link ExchangeProtocol#channels} names them) and
   * keeps it open until {@link #close()}.
   */
  public static FeedConnection open(ExchangeProtocol protocol, ConnectionSettings settings, List<String> channels,
      FeedListener listener, HttpClient http) {
    return open(protocol, settings, channels, listener, http, FrameTracing.off());
  }

  /** As {@link #open(ExchangeProtocol, ConnectionSettings, List, FeedListener, HttpClient)}, tracing frames. */
  public static FeedConnection open(ExchangeProtocol protocol, ConnectionSettings settings, List<String> channels,
      FeedListener listener, HttpClient http, FrameTracing tracing) {
    FeedConnection connection = new FeedConnection(protocol, settings, channels, listener, http, tracing);
    connection.serial.execute(connection::connect);
    return connection;
  }

  /**
   * Changes the channels this connection carries, without reconnecting: the open WebSocket gets unsubscribe
   * messages for channels no longer wanted and subscribe messages for new ones, and a later reconnect
   * subscribes the new list. Applied in order with frames, on the connection's thread.
   *
   * @throws IllegalArgumentException for an empty list or more than the exchange allows per connection
   */
  public void changeChannels(List<String> wanted) {
    List<String> next = List.copyOf(wanted);
    checkChannelCount(protocol, next);
    onSerial(() -> {
      List<String> removed = new ArrayList<>(channels);
      removed.removeAll(next);
      List<String> added = new ArrayList<>(next);
      added.removeAll(channels);
      channels = next;
      if (socket == null) {
        return; // the next connection subscribes the new list
      }
      requests.unsubscribe(removed);
      requests.subscribe(added);
      sendRequests();
      LOG.info("{} channels changed: +{} -{}", protocol.exchange(), added.size(), removed.size());
    });
  }

  private static void checkChannelCount(ExchangeProtocol protocol, List<String> channels) {
    if (channels.isEmpty() || channels.size() > protocol.maxChannelsPerConnection()) {
      throw new IllegalArgumentException(protocol.exchange() + " connection needs 1.."
          + protocol.maxChannelsPerConnection() + " channels, got " + channels.size());
    }
  }

  /** Where this connection stands now. */
  public ConnectionStatus status() {
    FeedCounters counters = feed.counters();
    long resyncRequests = 0;
    for (ResyncReason reason : ResyncReason.values()) {
      resyncRequests += counters.resyncs(reason);
    }
    Instant since = connectedSince;
    return new ConnectionStatus(protocol.exchange(), since != null, since, lastMessageTime, reconnects.get(),
        counters.frames(), counters.rejects(), counters.bookFaults(), resyncRequests, requestWaits.get());
  }

  /** Closes the WebSocket and stops reconnecting; waits briefly for the serial thread to finish. */
  @Override
  public void close() {
    serial.execute(() -> {
      closed = true;
      stopTimers();
      WebSocket open = socket;
      if (open != null) {
        open.sendClose(WebSocket.NORMAL_CLOSURE, "client closing").whenComplete((ws, e) -> open.abort());
        socket = null;
      }
      connectedSince = null;
    });
    serial.shutdown();
    try {
      if (!serial.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        serial.shutdownNow();
      }
    } catch (InterruptedException e) {
      serial.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    long attempt = ++generation;
    http.newWebSocketBuilder()
        .connectTimeout(settings.connectTimeout())
        .buildAsync(settings.webSocketUri(), new Listener(attempt))
        .whenComplete((ws, error) -> {
          if (error != null) {
            onSerial(() -> lost(attempt, "connect failed: " + rootMessage(error)));
          }
        });
  }

  private void opened(long attempt, WebSocket ws) {
    if (attempt != generation || closed) {
      ws.abort();
      return;
    }
    socket = ws;
    sends = CompletableFuture.completedFuture(ws);
    connectedSince = Instant.now();
    lastFrameNanos = System.nanoTime();
    snapshotsInFlight.clear();
    // A new connection means new streams: every book starts over from a fresh snapshot.
    feed.resetBooks();
    protocol.openMessages().forEach(this::send);
    requests.reset();
    requests.subscribe(channels);
    sendRequests();
    LOG.info("{} connected to {} with {} channels", protocol.exchange(), settings.webSocketUri(), channels.size());
    Optional<String> ping = protocol.keepAliveMessage();
    if (ping.isPresent()) {
      Duration interval = settings.keepAliveInterval() != null
          ? settings.keepAliveInterval()
          : protocol.keepAliveInterval();
      long every = interval.toNanos();
      keepAlive = serial.scheduleAtFixedRate(() -> send(ping.get()), every, every, TimeUnit.NANOSECONDS);
    }
    long check = Math.max(settings.idleTimeout().toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10));
    idleCheck = serial.scheduleAtFixedRate(() -> checkIdle(attempt), check, check, TimeUnit.NANOSECONDS);
    long quiet = Math.min(check, MAX_PROBE_QUIET.toNanos());
    probe = serial.scheduleAtFixedRate(() -> probe(attempt, quiet), quiet, quiet, TimeUnit.NANOSECONDS);
    protocol.connectionLifetime().ifPresent(limit -> {
      Duration renewAfter = limit.minus(settings.lifetimeMargin());
      if (!renewAfter.isNegative()) {
        lifetime = serial.schedule(() -> replace(attempt, "connection lifetime limit " + limit + " near"),
            renewAfter.toNanos(), TimeUnit.NANOSECONDS);
      }
    });
    ws.request(1);
  }

  private void frame(long attempt, WebSocket ws, String frame) {
    if (attempt != generation || closed) {
      return;
    }
    long nowNanos = System.nanoTime();
    lastFrameNanos = nowNanos;
    Instant now = Instant.now();
    lastMessageTime = now;
    // Data is flowing, so this connection works: the next failure backs off from the start again.
    backoff.reset();
    try {
      FrameOutcome outcome = tracing.handle(feed, frame, epochNanos(now));
      if (outcome == FrameOutcome.TEST_REQUEST) {
        protocol.testRequestAnswer().ifPresent(this::send);
      }
    } finally {
      // Always ask for the next frame: without demand the JDK WebSocket reads nothing more, not even the
      // peer's close, and the connection would stall until the idle timeout.
      ws.request(1);
    }
  }

  private void checkIdle(long attempt) {
    if (attempt == generation && socket != null
        && System.nanoTime() - lastFrameNanos > settings.idleTimeout().toNanos()) {
      lost(attempt, "no frame for " + settings.idleTimeout());
    }
  }

  /**
   * Sends a WebSocket ping on a connection quiet for {@code quietNanos}. The JDK client sometimes never reports a
   * peer's TCP close (its socket sits in CLOSE_WAIT with nothing left to read, and neither onClose nor onError
   * comes), while its next send fails at once ("closed output"): the failed ping ends such a connection within
   * seconds instead of at the idle timeout. Busy connections are never pinged; exchanges answer pings with pongs.
   */
  private void probe(long attempt, long quietNanos) {
    WebSocket ws = socket;
    if (attempt != generation || ws == null || System.nanoTime() - lastFrameNanos < quietNanos) {
      return;
    }
    inOrder(attempt, () -> ws.sendPing(ByteBuffer.allocate(0)), "ping failed");
  }

  /** Proactive replacement: close the old socket and connect again at once. */
  private void replace(long attempt, String reason) {
    if (attempt != generation || closed) {
      return;
    }
    LOG.info("{} reconnecting: {}", protocol.exchange(), reason);
    drop();
    reconnects.incrementAndGet();
    connect();
  }

  private void lost(long attempt, String reason) {
    if (attempt != generation || closed) {
      return;
    }
    drop();
    reconnects.incrementAndGet();
    Duration delay = backoff.next();
    LOG.warn("{} connection lost ({}); reconnecting in {} ms", protocol.exchange(), reason, delay.toMillis());
    serial.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void drop() {
    generation++; // callbacks of the old socket are ignored from now on
    stopTimers();
    if (socket != null) {
      socket.abort();
      socket = null;
    }
    connectedSince = null;
    snapshotsInFlight.clear();
  }

  private void stopTimers() {
    for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {keepAlive, idleCheck, probe, lifetime, requestFlush}) {
      if (timer != null) {
        timer.cancel(false);
      }
    }
    keepAlive = null;
    idleCheck = null;
    probe = null;
    lifetime = null;
    requestFlush = null;
  }

  /** Sends in order: the JDK WebSocket allows one outstanding send at a time. */
  private void send(String message) {
    WebSocket ws = socket;
    if (ws == null) {
      return;
    }
    inOrder(generation, () -> ws.sendText(message, true), "send failed");
  }

  /** Chains a send after the previous one; a failed send ends the connection of {@code attempt}. */
  private void inOrder(long attempt, Supplier<CompletableFuture<WebSocket>> send, String failure) {
    sends = sends.thenCompose(previous -> send.get()).whenComplete((sent, error) -> {
      if (error != null) {
        onSerial(() -> lost(attempt, failure + ": " + rootMessage(error)));
      }
    });
  }

  private void resync(String nativeSymbol) {
    if (socket == null) {
      return; // the next connection re-syncs every book anyway
    }
    Optional<URI> rest = settings.restUri() == null
        ? Optional.empty()
        : protocol.restSnapshotUri(settings.restUri(), nativeSymbol);
    if (rest.isPresent()) {
      fetchSnapshot(nativeSymbol, rest.get(), generation);
    } else {
      requests.resubscribe(protocol.bookChannels(nativeSymbol));
      sendRequests();
    }
  }

  /**
   * Sends the subscribe/unsubscribe requests the exchange's limit allows now; if some must wait, sends them when
   * the limit allows (see {@link ChannelRequests}).
   */
  private void sendRequests() {
    requests.take().forEach(this::send);
    requestWaits.set(requests.waits());
    if (!requests.pending() || requestFlush != null) {
      return;
    }
    long attempt = generation;
    long delay = Math.max(0, requests.nextTakeNanos() - System.nanoTime());
    requestFlush = serial.schedule(() -> {
      requestFlush = null;
      if (attempt == generation && socket != null) {
        sendRequests();
      }
    }, delay, TimeUnit.NANOSECONDS);
  }

  private void fetchSnapshot(String nativeSymbol, URI uri, long attempt) {
    if (attempt != generation || closed || !snapshotsInFlight.add(nativeSymbol)) {
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.connectTimeout()).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> onSerial(() -> {
      if (attempt != generation || closed) {
        return;
      }
      snapshotsInFlight.remove(nativeSymbol);
      if (error != null || response.statusCode() != 200) {
        String why = error != null ? rootMessage(error) : "HTTP " + response.statusCode();
        Duration retry = settings.initialBackoff().multipliedBy(4);
        LOG.warn("{} snapshot of {} failed ({}); retrying in {} ms", protocol.exchange(), nativeSymbol, why,
            retry.toMillis());
        serial.schedule(() -> fetchSnapshot(nativeSymbol, uri, attempt), retry.toNanos(), TimeUnit.NANOSECONDS);
        return;
      }
      feed.onRestSnapshot(nativeSymbol, response.body(), epochNanos(Instant.now()));
    }));
  }

  private void onSerial(Runnable task) {
    try {
      serial.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: nothing left to do
    }
  }

  private static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static String rootMessage(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  /** The feed's reports: passed on, and resync requests acted upon. Runs on the serial thread. */
  private final class Relay implements FeedListener {
    @Override
    public void onEvent(MarketEvent event) {
      downstream.onEvent(event);
    }

    @Override
    public void onReject(FrameReject reject) {
      downstream.onReject(reject);
    }

    @Override
    public void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail) {
      downstream.resyncNeeded(exchange, nativeSymbol, reason, detail);
      resync(nativeSymbol);
    }
  }

  /**
   * JDK WebSocket callbacks: reassemble a message from its parts and hand it to the serial thread. The JDK
   * calls these one at a time, so the builder needs no lock.
   */
  private final class Listener implements WebSocket.Listener {
    private final long attempt;
    private final StringBuilder parts = new StringBuilder();

    Listener(long attempt) {
      this.attempt = attempt;
    }

    @Override
    public void onOpen(WebSocket ws) {
      onSerial(() -> opened(attempt, ws));
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      parts.append(data);
      if (!last) {
        ws.request(1);
        return null;
      }
      String frame = parts.toString();
      parts.setLength(0);
      onSerial(() -> frame(attempt, ws, frame));
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      onSerial(() -> lost(attempt, "closed by peer: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      onSerial(() -> lost(attempt, "error: " + rootMessage(error)));
    }
  }
}
