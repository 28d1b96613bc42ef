package io.marketprism.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.feed.Venue;
import io.marketprism.collector.subscription.SubscriptionKey;
import io.marketprism.collector.subscription.SubscriptionParser;
import io.marketprism.collector.subscription.SymbolResolver;
import io.marketprism.collector.exchange.ExchangeRegistry;
import io.marketprism.kit.config.ConfigException;
import io.marketprism.kit.config.ConfigLoader;
import io.marketprism.marketdata.v1.DataType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarketDataCollectorConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsPointEveryVenueAtTheSimulatorTheLauncherNames() {
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", "127.0.0.1:9999", "MARKETPRISM_NATS_URL", "nats://n:4222"));

    Map<Venue, ConnectionSettings> venues = VenueEndpoints.of(config);

    assertThat(config.grpc().port()).isEqualTo(7101);
    assertThat(config.nats().url()).isEqualTo("nats://n:4222");
    assertThat(venues.get(Venue.BINANCE_SPOT).webSocketUri()).isEqualTo(URI.create("ws://127.0.0.1:9999/stream"));
    assertThat(venues.get(Venue.BINANCE_SPOT).restUri()).isEqualTo(URI.create("http://127.0.0.1:9999"));
    assertThat(venues.get(Venue.BINANCE_FUTURES).webSocketUri()).isEqualTo(URI.create("ws://127.0.0.1:9999/fapi/stream"));
    assertThat(venues.get(Venue.OKX).webSocketUri()).isEqualTo(URI.create("ws://127.0.0.1:9999/ws/v5/public"));
    assertThat(venues.get(Venue.DERIBIT).webSocketUri()).isEqualTo(URI.create("ws://127.0.0.1:9999/ws/api/v2"));
    assertThat(ConfigLoader.load(MarketDataCollectorConfig.class, null, Map.of()).simulatorFeed())
        .isEqualTo("127.0.0.1:7208");
  }

  @Test
  void defaultSubscriptionsCoverTheSimulatorsDefaultMarkets() {
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, null, Map.of());
    SubscriptionParser parser = new SubscriptionParser(new SymbolResolver(ExchangeRegistry.standard()));
    List<SubscriptionKey> keys = new ArrayList<>();
    config.subscriptions().forEach(s -> keys.addAll(parser.parse(s.exchange(), s.symbols(), s.dataTypes()).keys()));

    assertThat(keys).extracting(key -> key.exchange() + ":" + key.nativeSymbol()).containsOnly(
        "binance:BTCUSDT", "binance:ETHUSDT", "okx:BTC-USDT", "okx:BTC-USDT-SWAP", "deribit:BTC-PERPETUAL",
        "deribit:ETH-PERPETUAL");
    assertThat(keys).contains(new SubscriptionKey("binance", "BTC-USDT-PERP", "BTCUSDT", DataType.DATA_TYPE_FUNDING_RATE));
  }

  @Test
  void fileAndEnvironmentSetUrlsConnectionAndSubscriptions() throws IOException {
    Path file = write("""
        exchanges:
          binance:
            websocket-url: wss://stream.binance.com:9443/stream
            rest-url: https://api.binance.com
          deribit:
            enabled: false
        connection:
          initial-backoff: 100ms
          max-backoff: 5s
        subscriptions:
          - exchange: okx
            symbols: [BTC-USDT-SWAP, ETH-USDT]
            data-types: [trade, book-delta, DATA_TYPE_TICKER]
        """);
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, file,
        Map.of("MARKETPRISM_EXCHANGES_OKX_WEBSOCKET_URL", "wss://ws.okx.com:8443/ws/v5/public",
            "MARKETPRISM_NATS_PUBLISHER_BUFFER_SIZE", "5000"));

    Map<Venue, ConnectionSettings> venues = VenueEndpoints.of(config);
    assertThat(venues).doesNotContainKey(Venue.DERIBIT);
    assertThat(venues.get(Venue.BINANCE_SPOT).webSocketUri().toString()).isEqualTo("wss://stream.binance.com:9443/stream");
    assertThat(venues.get(Venue.OKX).webSocketUri().toString()).isEqualTo("wss://ws.okx.com:8443/ws/v5/public");
    assertThat(venues.get(Venue.OKX).initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.nats().publisher().bufferSize()).isEqualTo(5000);
    assertThat(config.subscriptions()).singleElement().satisfies(s -> assertThat(s.symbols()).hasSize(2));
  }

  @Test
  void samplingRatioDefaultsLowAndIsBoundedToZeroOne() {
    assertThat(ConfigLoader.load(MarketDataCollectorConfig.class, null, Map.of()).tracing().samplingRatio())
        .isEqualTo(0.001);
    assertThat(ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_TRACING_SAMPLING_RATIO", "0.25")).tracing().samplingRatio()).isEqualTo(0.25);

    assertThatThrownBy(() -> ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_TRACING_SAMPLING_RATIO", "1.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracing.sampling-ratio");
  }

  @Test
  void aSubscriptionNamingWhatTheExchangeLacksIsRefusedAtTheField() throws IOException {
    Path file = write("""
        subscriptions:
          - exchange: binance
            symbols: [BTC-USDT, DOGE]
            data-types: [trade, funding_rate, candles]
        """);

    assertThatThrownBy(() -> ConfigLoader.load(MarketDataCollectorConfig.class, file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("subscriptions[0].data-types[2]").hasMessageContaining("unknown data type \"candles\"")
        .hasMessageContaining("subscriptions[0].symbols[1]").hasMessageContaining("\"DOGE\"")
        .hasMessageContaining("offers no funding_rate stream for BTC-USDT");
  }

  @Test
  void badUrlsAndUnknownExchangesAreRefused() throws IOException {
    assertThatThrownBy(() -> ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_EXCHANGES_OKX_WEBSOCKET_URL", "https://ws.okx.com")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("exchanges.okx.websocket-url");
    Path file = write("""
        subscriptions:
          - exchange: kraken
            symbols: [BTC-USD]
            data-types: [trade]
        """);
    assertThatThrownBy(() -> ConfigLoader.load(MarketDataCollectorConfig.class, file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("subscriptions[0].exchange").hasMessageContaining("kraken");
  }

  @Test
  void instrumentListsComeFromEachEnabledExchangesRestUrl() {
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, null, Map.of(
        "MARKETPRISM_PEERS_EXCHANGE_SIMULATOR_FEED", "127.0.0.1:9999",
        "MARKETPRISM_EXCHANGES_OKX_REST_URL", "https://www.okx.com",
        "MARKETPRISM_EXCHANGES_BINANCE_ENABLED", "false"));

    assertThat(VenueEndpoints.instrumentSources(config)).extracting(source -> source.uri().toString()).containsExactly(
        "https://www.okx.com/api/v5/public/instruments?instType=SPOT",
        "https://www.okx.com/api/v5/public/instruments?instType=SWAP",
        "https://www.okx.com/api/v5/public/instruments?instType=FUTURES",
        "http://127.0.0.1:9999/api/v2/public/get_instruments?currency=any");
    // OKX and Deribit re-sync books in-stream: their REST URLs serve instrument lists only.
    assertThat(VenueEndpoints.of(config).get(Venue.OKX).restUri()).isNull();
  }

  @Test
  void limitsBeyondWhatTheExchangesAllowAreRefusedAtTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_LIMITS_MAX_CONNECTIONS_DERIBIT", "40", "MARKETPRISM_LIMITS_MAX_SUBSCRIPTIONS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.max-connections.deribit")
        .hasMessageContaining("limits.max-subscriptions");
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class, null,
        Map.of("MARKETPRISM_LIMITS_MAX_CONNECTIONS_BINANCE", "12"));
    assertThat(config.limits().maxConnections().binance()).isEqualTo(12);
    assertThat(config.limits().maxSubscriptions()).isEqualTo(10_000);
  }

  @Test
  void theSampleFileLoadsAsDocumented() {
    MarketDataCollectorConfig config = ConfigLoader.load(MarketDataCollectorConfig.class,
        Path.of("collector.example.yaml"), Map.of());
    MarketDataCollectorConfig defaults = ConfigLoader.load(MarketDataCollectorConfig.class, null, Map.of());

    assertThat(config.subscriptions()).hasSameSizeAs(defaults.subscriptions());
    assertThat(VenueEndpoints.of(config)).isEqualTo(VenueEndpoints.of(defaults));
    assertThat(config.nats().publisher().maxInFlight()).isEqualTo(defaults.nats().publisher().maxInFlight());
    assertThat(VenueEndpoints.instrumentSources(config)).extracting(source -> source.uri())
        .isEqualTo(VenueEndpoints.instrumentSources(defaults).stream().map(source -> source.uri()).toList());
    assertThat(config.limits().maxConnections().okx()).isEqualTo(defaults.limits().maxConnections().okx());
    assertThat(config.instruments().refreshInterval()).isEqualTo(defaults.instruments().refreshInterval());
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("collector.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
