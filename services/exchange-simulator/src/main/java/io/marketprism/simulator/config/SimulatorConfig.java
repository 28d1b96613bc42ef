package io.marketprism.simulator.config;

import io.marketprism.kit.config.ServiceConfig;
import io.marketprism.simulator.fault.FaultSettings;
import io.marketprism.simulator.fault.MalformedKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The exchange simulator's configuration (gRPC port 7108 for health and reflection; the feed on 7208).
 *
 * <pre>{@code
 * feed:
 *   host: 127.0.0.1
 *   port: 7208                       # MARKETPRISM_FEED_PORT
 *   max-pending-bytes: 16777216      # a client this far behind is disconnected
 * markets:
 *   binance-spot: [BTCUSDT, ETHUSDT] # MARKETPRISM_MARKETS_BINANCE_SPOT=BTCUSDT,ETHUSDT
 *   binance-futures: [BTCUSDT]
 *   okx: [BTC-USDT, BTC-USDT-SWAP]
 *   deribit: [BTC-PERPETUAL, ETH-PERPETUAL]
 *   seed: 0                          # 0: a new random walk each run
 * rate:
 *   per-symbol: 50                   # market events per second per symbol
 *   total: 0                         # if > 0: events per second over all symbols, split evenly
 * okx:
 *   idle-timeout: 30s                # 0s: never
 * deribit:
 *   min-heartbeat-interval: 10s
 * faults:
 *   sequence-gap-probability: 0
 *   bad-checksum-probability: 0
 *   malformed-frame-probability: 0
 *   malformed-kind: any              # invalid-json | missing-field | any
 *   drop-connections-every: 0s       # 0s: never
 * }</pre>
 */
public class SimulatorConfig extends ServiceConfig {

  /** The simulator's gRPC port (health and reflection only). */
  public static final int DEFAULT_GRPC_PORT = 7108;

  @Valid @NotNull private Feed feed = new Feed();
  @Valid @NotNull private MarketList markets = new MarketList();
  @Valid @NotNull private Rate rate = new Rate();
  @Valid @NotNull private Okx okx = new Okx();
  @Valid @NotNull private Deribit deribit = new Deribit();
  @Valid @NotNull private Faults faults = new Faults();

  public SimulatorConfig() {
    super(DEFAULT_GRPC_PORT);
  }

  public Feed feed() {
    return feed;
  }

  public MarketList markets() {
    return markets;
  }

  public Rate rate() {
    return rate;
  }

  public Okx okx() {
    return okx;
  }

  public Deribit deribit() {
    return deribit;
  }

  public Faults faults() {
    return faults;
  }

  /** The {@code feed} section: where the exchanges' WebSocket and REST endpoints listen. */
  public static class Feed {
    @NotBlank private String host = "127.0.0.1";

    @Range(min = 0, max = 65535)
    private int port = 7208;

    @Min(65_536)
    private int maxPendingBytes = 16 << 20;

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }

    public int maxPendingBytes() {
      return maxPendingBytes;
    }
  }

  /** The {@code markets} section: the symbols simulated on each exchange, in the exchange's own spelling. */
  public static class MarketList {
    @NotNull
    private List<@NotNull @Pattern(regexp = "[A-Z0-9]{2,20}", message = "must be a Binance symbol like BTCUSDT") String>
        binanceSpot = new ArrayList<>(List.of("BTCUSDT", "ETHUSDT"));

    @NotNull
    private List<@NotNull @Pattern(regexp = "[A-Z0-9]{2,20}", message = "must be a Binance symbol like BTCUSDT") String>
        binanceFutures = new ArrayList<>(List.of("BTCUSDT"));

    @NotNull
    private List<
            @NotNull @Pattern(
                regexp = "[A-Z0-9]{1,12}-[A-Z0-9]{1,12}(-SWAP)?",
                message = "must be an OKX instId like BTC-USDT or BTC-USDT-SWAP")
            String>
        okx = new ArrayList<>(List.of("BTC-USDT", "BTC-USDT-SWAP"));

    @NotNull
    private List<
            @NotNull @Pattern(
                regexp = "[A-Z0-9]{1,12}(_[A-Z0-9]{1,12})?-PERPETUAL",
                message = "must be a Deribit perpetual like BTC-PERPETUAL")
            String>
        deribit = new ArrayList<>(List.of("BTC-PERPETUAL", "ETH-PERPETUAL"));

    private long seed;

    public List<String> binanceSpot() {
      return List.copyOf(binanceSpot);
    }

    public List<String> binanceFutures() {
      return List.copyOf(binanceFutures);
    }

    public List<String> okx() {
      return List.copyOf(okx);
    }

    public List<String> deribit() {
      return List.copyOf(deribit);
    }

    /** The random walks' seed; 0 picks a new one each run. */
    public long seed() {
      return seed;
    }
  }

  /** The {@code rate} section: how fast the markets move. */
  public static class Rate {
    @DecimalMin("0")
    private double perSymbol = 50;

    @DecimalMin("0")
    private double total;

    public double perSymbol() {
      return perSymbol;
    }

    public double total() {
      return total;
    }

    /** Events per second for each of {@code symbols} markets. */
    public double perMarket(int symbols) {
      return total > 0 && symbols > 0 ? total / symbols : perSymbol;
    }
  }

  /** The {@code okx} section. */
  public static class Okx {
    @NotNull
    @DurationMin(millis = 0)
    private Duration idleTimeout = Duration.ofSeconds(30);

    public Duration idleTimeout() {
      return idleTimeout;
    }
  }

  /** The {@code deribit} section. */
  public static class Deribit {
    @NotNull
    @DurationMin(millis = 100)
    private Duration minHeartbeatInterval = Duration.ofSeconds(10);

    public Duration minHeartbeatInterval() {
      return minHeartbeatInterval;
    }
  }

  /** The {@code faults} section: faults in force from start-up (the admin API changes them at run time). */
  public static class Faults {
    @DecimalMin("0")
    @DecimalMax("1")
    private double sequenceGapProbability;

    @DecimalMin("0")
    @DecimalMax("1")
    private double badChecksumProbability;

    @DecimalMin("0")
    @DecimalMax("1")
    private double malformedFrameProbability;

    @NotNull
    @Pattern(regexp = "invalid-json|missing-field|any", message = "must be invalid-json, missing-field or any")
    private String malformedKind = "any";

    @NotNull
    @DurationMin(millis = 0)
    private Duration dropConnectionsEvery = Duration.ZERO;

    public FaultSettings toSettings() {
      return new FaultSettings(
          sequenceGapProbability,
          badChecksumProbability,
          malformedFrameProbability,
          MalformedKind.valueOf(malformedKind.toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
          dropConnectionsEvery);
    }
  }
}
