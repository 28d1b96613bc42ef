package io.marketprism.collector;

import io.marketprism.collector.feed.SubscriptionLimits;
import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.messaging.NatsConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Configuration of the market-data-collector: the kit's sections (gRPC port 7101), where each exchange is,
 * how connections behave, what to collect at start-up, and NATS (with the publisher's limits). See
 * {@code collector.example.yaml} for every key with its default and the real exchanges' URLs.
 *
 * <p>Exchange URLs left blank point at the local exchange simulator, whose feed address is
 * {@code peers.exchange-simulator-feed} ({@code MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED}, default
 * {@value #DEFAULT_SIMULATOR_FEED}).
 */
public class MarketDataCollectorConfig extends ServiceConfig {
  /** The {@code peers} entry naming the exchange simulator's feed port. */
  public static final String SIMULATOR_FEED_PEER = "exchange-simulator-feed";
  /** Where the simulator's feed listens unless {@code peers.exchange-simulator-feed} says otherwise. */
  public static final String DEFAULT_SIMULATOR_FEED = "127.0.0.1:7208";

  private static final String WS_URL = "^$|^wss?://\\S+$";
  private static final String HTTP_URL = "^$|^https?://\\S+$";
  private static final String WS_MESSAGE = "must be blank (the simulator) or a ws:// or wss:// URL";
  private static final String HTTP_MESSAGE = "must be blank (the simulator) or an http:// or https:// URL";

  @Valid @NotNull private Exchanges exchanges = new Exchanges();
  @Valid @NotNull private Connection connection = new Connection();
  @Valid @NotNull private List<@Valid @NotNull Subscription> subscriptions = defaultSubscriptions();
  @Valid @NotNull private Publishing publishing = new Publishing();
  @Valid @NotNull private Tracing tracing = new Tracing();
  @Valid @NotNull private Persistence persistence = new Persistence();
  @Valid @NotNull private Instruments instruments = new Instruments();
  @Valid @NotNull private Limits limits = new Limits();
  @Valid @NotNull private NatsConfig nats = new NatsConfig();

  public MarketDataCollectorConfig() {
    super(7101);
  }

  public Exchanges exchanges() {
    return exchanges;
  }

  public Connection connection() {
    return connection;
  }

  /** What to collect when the collector starts (the gRPC API changes it at run time). */
  public List<Subscription> subscriptions() {
    return List.copyOf(subscriptions);
  }

  public Publishing publishing() {
    return publishing;
  }

  public Tracing tracing() {
    return tracing;
  }

  public Persistence persistence() {
    return persistence;
  }

  public NatsConfig nats() {
    return nats;
  }

  public Instruments instruments() {
    return instruments;
  }

  public Limits limits() {
    return limits;
  }

  /** {@code host:port} of the exchange simulator's feed, the default for every blank URL. */
  public String simulatorFeed() {
    return peers().getOrDefault(SIMULATOR_FEED_PEER, DEFAULT_SIMULATOR_FEED);
  }

  /**
   * The simulator's default markets: Binance BTCUSDT/ETHUSDT spot and BTCUSDT futures, OKX BTC-USDT and
   * BTC-USDT-SWAP, Deribit BTC-PERPETUAL and ETH-PERPETUAL, each with every stream the exchange (and the
   * simulator) offers.
   */
  private static List<Subscription> defaultSubscriptions() {
    List<String> book = List.of("trade", "book_snapshot", "book_delta", "ticker");
    List<Subscription> list = new ArrayList<>();
    list.add(new Subscription("binance", List.of("BTC-USDT", "ETH-USDT"), book));
    list.add(new Subscription("binance", List.of("BTC-USDT-PERP"),
        List.of("trade", "book_snapshot", "book_delta", "ticker", "funding_rate", "liquidation")));
    list.add(new Subscription("okx", List.of("BTC-USDT"), book));
    List<String> perpetual = List.of("trade", "book_snapshot", "book_delta", "ticker", "funding_rate",
        "liquidation", "open_interest");
    list.add(new Subscription("okx", List.of("BTC-USDT-PERP"), perpetual));
    list.add(new Subscription("deribit", List.of("BTC-USD-PERP", "ETH-USD-PERP"), List.of("trade", "book_snapshot",
        "book_delta", "ticker", "funding_rate", "liquidation", "open_interest")));
    return list;
  }

  /** One section per exchange. */
  public static class Exchanges {
    @Valid @NotNull private Binance binance = new Binance();
    @Valid @NotNull private WebSocketExchange okx = new WebSocketExchange();
    @Valid @NotNull private WebSocketExchange deribit = new WebSocketExchange();

    public Binance binance() {
      return binance;
    }

    public WebSocketExchange okx() {
      return okx;
    }

    public WebSocketExchange deribit() {
      return deribit;
    }
  }

  /**
   * An exchange with one WebSocket endpoint (OKX, Deribit: their books re-sync in-stream) and a REST root for its
   * instrument list.
   */
  public static class WebSocketExchange {
    private boolean enabled = true;

    @NotNull
    @Pattern(regexp = WS_URL, message = WS_MESSAGE)
    private String websocketUrl = "";

    @NotNull
    @Pattern(regexp = HTTP_URL, message = HTTP_MESSAGE)
    private String restUrl = "";

    public boolean enabled() {
      return enabled;
    }

    /** Blank: the simulator. */
    public String websocketUrl() {
      return websocketUrl;
    }

    /** REST root (OKX {@code https://www.okx.com}, Deribit {@code https://www.deribit.com/api/v2}); blank: the simulator. */
    public String restUrl() {
      return restUrl;
    }
  }

  /** Binance: spot and USDⓈ-M futures are separate hosts, each with its REST depth snapshots. */
  public static class Binance {
    private boolean enabled = true;

    @NotNull
    @Pattern(regexp = WS_URL, message = WS_MESSAGE)
    private String websocketUrl = "";

    @NotNull
    @Pattern(regexp = HTTP_URL, message = HTTP_MESSAGE)
    private String restUrl = "";

    @NotNull
    @Pattern(regexp = WS_URL, message = WS_MESSAGE)
    private String futuresWebsocketUrl = "";

    @NotNull
    @Pattern(regexp = HTTP_URL, message = HTTP_MESSAGE)
    private String futuresRestUrl = "";

    public boolean enabled() {
      return enabled;
    }

    public String websocketUrl() {
      return websocketUrl;
    }

    public String restUrl() {
      return restUrl;
    }

    public String futuresWebsocketUrl() {
      return futuresWebsocketUrl;
    }

    public String futuresRestUrl() {
      return futuresRestUrl;
    }
  }

  /** How every exchange connection behaves. */
  public static class Connection {
    @NotNull
    @DurationMin(millis = 1)
    private Duration initialBackoff = Duration.ofMillis(250);

    @NotNull
    @DurationMin(millis = 1)
    private Duration maxBackoff = Duration.ofSeconds(30);

    @NotNull
    @DurationMin(millis = 10)
    private Duration idleTimeout = Duration.ofSeconds(60);

    @NotNull
    @DurationMin(millis = 1)
    private Duration connectTimeout = Duration.ofSeconds(10);

    @NotNull
    @DurationMin(millis = 0)
    private Duration lifetimeMargin = Duration.ofMinutes(10);

    public Duration initialBackoff() {
      return initialBackoff;
    }

    public Duration maxBackoff() {
      return maxBackoff;
    }

    public Duration idleTimeout() {
      return idleTimeout;
    }

    public Duration connectTimeout() {
      return connectTimeout;
    }

    public Duration lifetimeMargin() {
      return lifetimeMargin;
    }
  }

  /**
   * Subscriptions of one exchange: every combination of its symbols (normalized, {@code BTC-USDT-PERP}, or
   * the exchange's own, {@code BTC-USDT-SWAP}) and data types ({@code trade}, {@code book_snapshot},
   * {@code book_delta}, {@code ticker}, {@code funding_rate}, {@code liquidation}, {@code open_interest}).
   */
  @ValidSubscription // on the class, so a subscription list from the config center is checked the same way
  public static class Subscription {
    @NotBlank private String exchange = "";
    @NotEmpty private List<@NotBlank String> symbols = new ArrayList<>();
    @NotEmpty private List<@NotBlank String> dataTypes = new ArrayList<>();

    public Subscription() {}

    Subscription(String exchange, List<String> symbols, List<String> dataTypes) {
      this.exchange = exchange;
      this.symbols = new ArrayList<>(symbols);
      this.dataTypes = new ArrayList<>(dataTypes);
    }

    public String exchange() {
      return exchange;
    }

    public List<String> symbols() {
      return List.copyOf(symbols);
    }

    public List<String> dataTypes() {
      return List.copyOf(dataTypes);
    }
  }

  /** Where run-time state survives restarts. */
  public static class Persistence {
    /**
     * JetStream key-value bucket holding the subscription set: once it holds one, it replaces the configured
     * {@code subscriptions} at start-up (they are only the first set). Blank: nothing is kept, every start
     * begins with the configured set.
     */
    @NotNull
    @Pattern(regexp = "^$|^[A-Za-z0-9_-]+$", message = "must be blank or a bucket name of letters, digits, '-' and '_'")
    private String subscriptionsBucket = "market-data-collector";

    public String subscriptionsBucket() {
      return subscriptionsBucket;
    }
  }

  /** Publishing to JetStream (the publisher's limits are {@code nats.publisher}). */
  public static class Publishing {
    /**
     * Create or update the default streams ({@code MARKET_DATA}, ...) at start-up with {@code nats.streams}'s
     * limits, as the message broker does: the collector then works without the broker. Turn off where the
     * broker (or an operator) alone owns the streams.
     */
    private boolean ensureStreams = true;

    public boolean ensureStreams() {
      return ensureStreams;
    }
  }

  /** Tracing of the data path: which share of exchange frames starts a trace (frame → normalize → publish). */
  public static class Tracing {
    /**
     * The share of frames traced, from 0 (none) to 1 (all). A traced frame's events carry its trace to storage
     * ({@code traceparent}), whose spans follow it. Low by default: the collector reads up to a million frames a
     * second, and an untraced frame costs one random draw.
     */
    @DecimalMin("0.0")
    @DecimalMax("1.0")
    private double samplingRatio = 0.001;

    public double samplingRatio() {
      return samplingRatio;
    }
  }

  /** The exchanges' instrument lists (CollectorService.ListInstruments), from their REST endpoints. */
  public static class Instruments {
    /** How often a loaded list is fetched again. */
    @NotNull
    @DurationMin(seconds = 1)
    private Duration refreshInterval = Duration.ofHours(1);

    /** How soon a failed request is tried again (the last good list stays in use). */
    @NotNull
    @DurationMin(millis = 100)
    private Duration retryInterval = Duration.ofSeconds(30);

    public Duration refreshInterval() {
      return refreshInterval;
    }

    public Duration retryInterval() {
      return retryInterval;
    }
  }

  /**
   * Bounds on the subscription set, checked by every Subscribe (and at start-up): beyond them the call fails with
   * RESOURCE_EXHAUSTED and nothing is added. Channels per connection are the exchange's own limit (Binance 1024
   * streams, OKX and Deribit 1000 channels by the collector's choice); {@code max-connections} caps the connections
   * per exchange venue (Binance spot and futures count apart), within what the exchanges allow (Deribit 32 per IP,
   * REST included; OKX 30 per channel).
   */
  public static class Limits {
    /** Subscribed (exchange, symbol, data type) triples in all. */
    @Min(1)
    private int maxSubscriptions = SubscriptionLimits.DEFAULT_MAX_SUBSCRIPTIONS;

    /** WebSocket connections per exchange venue. */
    @Valid @NotNull private MaxConnections maxConnections = new MaxConnections();

    public int maxSubscriptions() {
      return maxSubscriptions;
    }

    public MaxConnections maxConnections() {
      return maxConnections;
    }
  }

  /** Most WebSocket connections per venue. */
  public static class MaxConnections {
    @Min(1)
    @Max(300)
    private int binance = SubscriptionLimits.DEFAULT_MAX_CONNECTIONS;

    @Min(1)
    @Max(30)
    private int okx = SubscriptionLimits.DEFAULT_MAX_CONNECTIONS;

    @Min(1)
    @Max(30)
    private int deribit = SubscriptionLimits.DEFAULT_MAX_CONNECTIONS;

    public int binance() {
      return binance;
    }

    public int okx() {
      return okx;
    }

    public int deribit() {
      return deribit;
    }
  }
}
