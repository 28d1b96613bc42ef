package io.marketprism.collector.connection;

import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.marketdata.v1.DataType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns what the collector wants ((data type, native symbol) pairs) into the exchange's channels, without
 * duplicates (Deribit's ticker channel serves both funding and open interest), split into groups of at
 * most {@link ExchangeProtocol#maxChannelsPerConnection()}: one group per {@link FeedConnection}.
 */
public final class SubscriptionPlan {
  /** One wanted stream. */
  public record Want(DataType type, String nativeSymbol) {}

  private final List<List<String>> connections;
  private final List<Want> unavailable;

  private SubscriptionPlan(List<List<String>> connections, List<Want> unavailable) {
    this.connections = connections;
    this.unavailable = unavailable;
  }

  /** Plans {@code wants} for {@code protocol}. */
  public static SubscriptionPlan of(ExchangeProtocol protocol, List<Want> wants) {
    Set<String> channels = new LinkedHashSet<>();
    List<Want> unavailable = new ArrayList<>();
    for (Want want : wants) {
      List<String> found = protocol.channels(want.type(), want.nativeSymbol());
      if (found.isEmpty()) {
        unavailable.add(want);
      }
      channels.addAll(found);
    }
    List<String> all = new ArrayList<>(channels);
    int max = protocol.maxChannelsPerConnection();
    List<List<String>> groups = new ArrayList<>();
    for (int from = 0; from < all.size(); from += max) {
      groups.add(List.copyOf(all.subList(from, Math.min(all.size(), from + max))));
    }
    return new SubscriptionPlan(List.copyOf(groups), List.copyOf(unavailable));
  }

  /** The channels of each connection to open. */
  public List<List<String>> connections() {
    return connections;
  }

  /** Wants the exchange publishes no stream for (e.g. Binance open interest, which is REST-only). */
  public List<Want> unavailable() {
    return unavailable;
  }
}
