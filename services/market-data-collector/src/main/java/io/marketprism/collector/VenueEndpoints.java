package io.marketprism.collector;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.feed.Venue;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where each enabled venue connects, from the configuration: an explicit URL as given, a blank one the
 * exchange simulator's matching endpoint ({@code ws://<feed>/stream}, {@code ws://<feed>/fapi/stream},
 * {@code ws://<feed>/ws/v5/public}, {@code ws://<feed>/ws/api/v2}, REST {@code http://<feed>}).
 */
public final class VenueEndpoints {
  private VenueEndpoints() {}

  /** Connection settings of every enabled venue. */
  public static Map<Venue, ConnectionSettings> of(MarketDataCollectorConfig config) {
    String feed = config.simulatorFeed();
    MarketDataCollectorConfig.Exchanges exchanges = config.exchanges();
    Map<Venue, ConnectionSettings> venues = new EnumMap<>(Venue.class);
    MarketDataCollectorConfig.Binance binance = exchanges.binance();
    if (binance.enabled()) {
      venues.put(Venue.BINANCE_SPOT, settings(config,
          or(binance.websocketUrl(), "ws://" + feed + "/stream"), or(binance.restUrl(), "http://" + feed)));
      venues.put(Venue.BINANCE_FUTURES, settings(config,
          or(binance.futuresWebsocketUrl(), "ws://" + feed + "/fapi/stream"),
          or(binance.futuresRestUrl(), "http://" + feed)));
    }
    if (exchanges.okx().enabled()) {
      venues.put(Venue.OKX, settings(config, or(exchanges.okx().websocketUrl(), "ws://" + feed + "/ws/v5/public"), null));
    }
    if (exchanges.deribit().enabled()) {
      venues.put(Venue.DERIBIT,
          settings(config, or(exchanges.deribit().websocketUrl(), "ws://" + feed + "/ws/api/v2"), null));
    }
    return venues;
  }

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
