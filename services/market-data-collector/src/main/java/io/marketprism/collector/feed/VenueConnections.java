package io.marketprism.collector.feed;

import io.marketprism.collector.connection.ConnectionSettings;
import io.marketprism.collector.connection.ConnectionStatus;
import io.marketprism.collector.connection.FeedConnection;
import io.marketprism.collector.connection.FrameTracing;
import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.FeedListener;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections of one {@link Venue}: as many as its channels need (each exchange limits channels per
 * connection), changed in place when the wanted channels change. A channel stays on the connection that
 * carries it; new channels fill connections with room, then new connections; a connection left with no
 * channel is closed. Totals of closed connections are kept so that figures never go backwards.
 *
 * <p>Not thread-safe: the {@link Collector} calls it under its lock.
 */
final class VenueConnections implements AutoCloseable {
  private final Venue venue;
  private final ExchangeProtocol protocol;
  private final ConnectionSettings settings;
  private final FeedListener listener;
  private final HttpClient http;
  private final FrameTracing tracing;
  private final List<Carrier> carriers = new ArrayList<>();
  private long retiredFrames;
  private long retiredReconnects;
  private long retiredRequestWaits;

  VenueConnections(Venue venue, ConnectionSettings settings, FeedListener listener, HttpClient http,
      FrameTracing tracing) {
    this.tracing = tracing;
    this.venue = venue;
    this.protocol = venue.newProtocol();
    this.settings = settings;
    this.listener = listener;
    this.http = http;
  }

  Venue venue() {
    return venue;
  }

  ExchangeProtocol protocol() {
    return protocol;
  }

  /** Makes the connections carry exactly {@code wanted} channels. */
  void carry(Set<String> wanted) {
    Set<String> unplaced = new LinkedHashSet<>(wanted);
    for (Carrier carrier : carriers) {
      carrier.next = new ArrayList<>(carrier.channels);
      carrier.next.retainAll(wanted);
      unplaced.removeAll(carrier.next);
    }
    int max = protocol.maxChannelsPerConnection();
    for (Carrier carrier : carriers) {
      Iterator<String> it = unplaced.iterator();
      while (carrier.next.size() < max && it.hasNext()) {
        carrier.next.add(it.next());
        it.remove();
      }
    }
    for (Iterator<Carrier> it = carriers.iterator(); it.hasNext(); ) {
      Carrier carrier = it.next();
      if (carrier.next.isEmpty()) {
        retire(carrier);
        it.remove();
      } else if (!carrier.next.equals(carrier.channels)) {
        carrier.connection.changeChannels(carrier.next);
        carrier.channels = List.copyOf(carrier.next);
      }
    }
    List<String> rest = new ArrayList<>(unplaced);
    for (int from = 0; from < rest.size(); from += max) {
      List<String> group = List.copyOf(rest.subList(from, Math.min(rest.size(), from + max)));
      carriers.add(new Carrier(FeedConnection.open(protocol, settings, group, listener, http, tracing), group));
    }
  }

  private void retire(Carrier carrier) {
    carrier.connection.close();
    ConnectionStatus last = carrier.connection.status();
    retiredFrames += last.frames();
    retiredReconnects += last.reconnects();
    retiredRequestWaits += last.requestWaits();
  }

  /** Status of each open connection (none when the venue carries nothing). */
  List<ConnectionStatus> statuses() {
    List<ConnectionStatus> statuses = new ArrayList<>(carriers.size());
    for (Carrier carrier : carriers) {
      statuses.add(carrier.connection.status());
    }
    return statuses;
  }

  /** Frames received since start, closed connections included. */
  long frames(List<ConnectionStatus> statuses) {
    long frames = retiredFrames;
    for (ConnectionStatus status : statuses) {
      frames += status.frames();
    }
    return frames;
  }

  /** Reconnects since start, closed connections included. */
  long reconnects(List<ConnectionStatus> statuses) {
    long reconnects = retiredReconnects;
    for (ConnectionStatus status : statuses) {
      reconnects += status.reconnects();
    }
    return reconnects;
  }

  /** Times subscribe/unsubscribe requests waited for the exchange's request limit, closed connections included. */
  long requestWaits(List<ConnectionStatus> statuses) {
    long waits = retiredRequestWaits;
    for (ConnectionStatus status : statuses) {
      waits += status.requestWaits();
    }
    return waits;
  }

  @Override
  public void close() {
    carriers.forEach(this::retire);
    carriers.clear();
  }

  /** One connection and the channels it carries. */
  private static final class Carrier {
    final FeedConnection connection;
    List<String> channels;
    List<String> next;

    Carrier(FeedConnection connection, List<String> channels) {
      this.connection = connection;
      this.channels = channels;
    }
  }
}
