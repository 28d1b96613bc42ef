package io.marketprism.collector.feed;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bounds on the subscription set: subscriptions in all, and WebSocket connections per venue. A venue needs one
 * connection per {@code maxChannelsPerConnection} channels (its exchange's limit): connections are filled before new
 * ones open (see {@link VenueConnections}), so that many is exactly what it will hold. Immutable.
 */
public final class SubscriptionLimits {
  /** Default bound on subscriptions in all ({@code limits.max-subscriptions}). */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 10_000;
  /** Default bound on connections per venue ({@code limits.max-connections.*}). */
  public static final int DEFAULT_MAX_CONNECTIONS = 5;
  /** The configuration's defaults. */
  public static final SubscriptionLimits DEFAULTS = new SubscriptionLimits(DEFAULT_MAX_SUBSCRIPTIONS,
      Map.of(Venue.BINANCE_SPOT, DEFAULT_MAX_CONNECTIONS, Venue.BINANCE_FUTURES, DEFAULT_MAX_CONNECTIONS,
          Venue.OKX, DEFAULT_MAX_CONNECTIONS, Venue.DERIBIT, DEFAULT_MAX_CONNECTIONS));

  private final int maxSubscriptions;
  private final Map<Venue, Integer> maxConnections;

  /**
   * @param maxSubscriptions subscribed (exchange, symbol, data type) triples in all
   * @param maxConnections per venue; every venue must be given
   */
  public SubscriptionLimits(int maxSubscriptions, Map<Venue, Integer> maxConnections) {
    this.maxSubscriptions = maxSubscriptions;
    this.maxConnections = new EnumMap<>(maxConnections);
    for (Venue venue : Venue.values()) {
      if (!this.maxConnections.containsKey(venue)) {
        throw new IllegalArgumentException("no connection limit for " + venue);
      }
    }
  }

  /** One bound a change would exceed: what (e.g. "binance_spot connections") and by how much, in plain words. */
  public record Violation(String subject, String description) {}

  /**
   * What a subscription set of {@code subscriptions} triples, carried as {@code channels} channels per venue,
   * would exceed; empty when it fits.
   *
   * @param channelsPerConnection each venue's limit of channels on one connection
   */
  List<Violation> check(int subscriptions, Map<Venue, Integer> channels, Map<Venue, Integer> channelsPerConnection) {
    List<Violation> violations = new ArrayList<>();
    if (subscriptions > maxSubscriptions) {
      violations.add(new Violation("subscriptions", subscriptions + " subscriptions would exceed the collector's "
          + "limit of " + maxSubscriptions + " (limits.max-subscriptions)"));
    }
    channels.forEach((venue, count) -> {
      int perConnection = channelsPerConnection.get(venue);
      int needed = (count + perConnection - 1) / perConnection;
      int allowed = maxConnections.get(venue);
      if (needed > allowed) {
        String name = venue.name().toLowerCase(Locale.ROOT);
        violations.add(new Violation(name + " connections", name + " would need " + needed + " connections for "
            + count + " channels (" + perConnection + " a connection, the exchange's limit), over the limit of "
            + allowed + " (limits.max-connections." + venue.exchange() + ")"));
      }
    });
    return violations;
  }
}
