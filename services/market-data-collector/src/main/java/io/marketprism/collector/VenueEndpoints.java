package io.marketprism.collector;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.feed.Venue;
import io.marketprism.collector.exchange.InstrumentSource;
import io.marketprism.collector.exchange.binance.BinanceInstrumentLists;
import io.marketprism.collector.exchange.deribit.DeribitInstrumentLists;
import io.marketprism.collector.exchange.okx.OkxInstrumentLists;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where each enabled venue connects and lists its instruments, from the configuration: an explicit URL as given, a
 * blank one the exchange simulator's matching endpoint ({@code ws://<feed>/stream}, {@code ws://<feed>/fapi/stream},
 * {@code ws://<feed>/ws/v5/public}, {@code ws://<feed>/ws/api/v2}, REST {@code http://<feed>}, Deribit's
 * {@code http://<feed>/api/v2}).
 */
public final class VenueEndpoints {
  private VenueEndpoints() {}

  /** Connection settings of every enabled venue. */
  public static Map<Venue, ConnectionSettings> of(MarketDataCollectorConfig config) {
    Map<Venue, ConnectionSettings> venues = new EnumMap<>(Venue.class);
    for (Venue venue : Venue.values()) {
      Endpoint endpoint = endpoint(config, venue);
      if (endpoint != null) {
        // Only Binance takes its book snapshots over REST; the others re-sync in-stream.
        boolean restBooks = venue == Venue.BINANCE_SPOT || venue == Venue.BINANCE_FUTURES;
        venues.put(venue, settings(config, endpoint.webSocket(), restBooks ? endpoint.rest() : null));
      }
    }
    return venues;
  }

  /** The REST instrument lists of every enabled exchange. */
  public static List<InstrumentSource> instrumentSources(MarketDataCollectorConfig config) {
    List<InstrumentSource> sources = new ArrayList<>();
    for (Venue venue : Venue.values()) {
      Endpoint endpoint = endpoint(config, venue);
      if (endpoint == null) {
        continue;
      }
      URI rest = URI.create(endpoint.rest());
      switch (venue) {
        case BINANCE_SPOT -> sources.add(BinanceInstrumentLists.spot(rest));
        case BINANCE_FUTURES -> sources.add(BinanceInstrumentLists.futures(rest));
        case OKX -> sources.addAll(OkxInstrumentLists.sources(rest));
        case DERIBIT -> sources.add(DeribitInstrumentLists.source(rest));
      }
    }
    return sources;
  }

  /** Where {@code venue} is, or null when its exchange is disabled. */
  private static Endpoint endpoint(MarketDataCollectorConfig config, Venue venue) {
    String feed = config.simulatorFeed();
    MarketDataCollectorConfig.Exchanges exchanges = config.exchanges();
    MarketDataCollectorConfig.Binance binance = exchanges.binance();
    return switch (venue) {
      case BINANCE_SPOT -> !binance.enabled() ? null : new Endpoint(
          or(binance.websocketUrl(), "ws://" + feed + "/stream"), or(binance.restUrl(), "http://" + feed));
      case BINANCE_FUTURES -> !binance.enabled() ? null : new Endpoint(
          or(binance.futuresWebsocketUrl(), "ws://" + feed + "/fapi/stream"), or(binance.futuresRestUrl(), "http://" + feed));
      case OKX -> !exchanges.okx().enabled() ? null : new Endpoint(
          or(exchanges.okx().websocketUrl(), "ws://" + feed + "/ws/v5/public"), or(exchanges.okx().restUrl(), "http://" + feed));
      case DERIBIT -> !exchanges.deribit().enabled() ? null : new Endpoint(
          or(exchanges.deribit().websocketUrl(), "ws://" + feed + "/ws/api/v2"),
          or(exchanges.deribit().restUrl(), "http://" + feed + "/api/v2"));
    };
  }

  /** A venue's WebSocket URL and REST root. */
  private record Endpoint(String webSocket, String rest) {}

  private static ConnectionSettings settings(MarketDataCollectorConfig config, String webSocket, String rest) {
    MarketDataCollectorConfig.Connection connection = config.connection();
    return ConnectionSettings.builder(URI.create(webSocket))
        .restUri(rest == null ? null : URI.create(rest))
        .backoff(connection.initialBackoff(), connection.maxBackoff())
        .idleTimeout(connection.idleTimeout())
        .connectTimeout(connection.connectTimeout())
        .lifetimeMargin(connection.lifetimeMargin())
        .build();
  }

  private static String or(String configured, String simulator) {
    return configured.isBlank() ? simulator : configured;
  }
}
