package io.marketprism.collector.connection;

import io.marketprism.collector.exchange.ExchangeProtocol;
import io.marketprism.collector.exchange.RequestLimit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribe and unsubscribe requests of one connection, kept within the exchange's request limit
 * ({@link ExchangeProtocol#subscriptionRequestLimit()}, OKX: 480 an hour). Changes are recorded per channel and
 * turned into messages when {@link #take()} finds room in the budget; what does not fit waits, merged with later
 * changes, and is never dropped:
 *
 * <ul>
 *   <li>a subscribe and a later unsubscribe of a channel not yet subscribed cancel out (nothing is sent), as do an
 *       unsubscribe and a later subscribe of a channel still subscribed;
 *   <li>waiting subscribes of many channels go out in as few messages as the protocol's batching allows;
 *   <li>a re-sync (unsubscribe and subscribe again, for a fresh book snapshot) is dropped only when a subscribe or
 *       unsubscribe of the same channel already waits, which makes it moot.
 * </ul>
 *
 * <p>Order when sending: unsubscribes, then re-syncs, then subscribes. Each wait is counted ({@link #waits()}) and
 * logged when it starts and ends. Not thread-safe: a {@link FeedConnection} uses it on its serial thread.
 */
public final class ChannelRequests {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelRequests.class);

  private final ExchangeProtocol protocol;
  private final LongSupplier nanoClock;
  private final RequestBudget budget;
  private final Set<String> toUnsubscribe = new LinkedHashSet<>();
  private final Set<String> toResubscribe = new LinkedHashSet<>();
  private final Set<String> toSubscribe = new LinkedHashSet<>();
  private boolean waiting;
  private long waitStartedNanos;
  private long waits;

  /**
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a controllable clock in tests)
   */
  public ChannelRequests(ExchangeProtocol protocol, LongSupplier nanoClock) {
    this.protocol = protocol;
    this.nanoClock = nanoClock;
    this.budget = new RequestBudget(protocol.subscriptionRequestLimit());
  }

  /** A new connection: the exchange counts from zero and nothing owed to the old one is sent. */
  public void reset() {
    budget.reset();
    toUnsubscribe.clear();
    toResubscribe.clear();
    toSubscribe.clear();
    if (waiting) {
      LOG.info("{} subscription requests no longer wait: a new connection subscribes afresh", protocol.exchange());
      waiting = false;
    }
  }

  public void subscribe(Collection<String> channels) {
    for (String channel : channels) {
      if (!toUnsubscribe.remove(channel)) {
        toSubscribe.add(channel);
      }
    }
  }

  public void unsubscribe(Collection<String> channels) {
    for (String channel : channels) {
      toResubscribe.remove(channel);
      if (!toSubscribe.remove(channel)) {
        toUnsubscribe.add(channel);
      }
    }
  }

  /** Unsubscribe and subscribe again (OKX and Deribit send a fresh book snapshot on subscribe). */
  public void resubscribe(Collection<String> channels) {
    for (String channel : channels) {
      if (!toSubscribe.contains(channel) && !toUnsubscribe.contains(channel)) {
        toResubscribe.add(channel);
      }
    }
  }

  /** The messages that may be sent now, in order; the budget is spent on them, the rest keeps waiting. */
  public List<String> take() {
    long now = nanoClock.getAsLong();
    int available = budget.available(now);
    List<String> messages = new ArrayList<>();
    available -= drain(toUnsubscribe, available, protocol::unsubscribeMessages, messages);
    available -= drain(toResubscribe, available, this::resubscribeMessages, messages);
    drain(toSubscribe, available, protocol::subscribeMessages, messages);
    budget.spend(now, messages.size());
    noteWaiting(now);
    return messages;
  }

  /** Whether changes wait for room in the budget. */
  public boolean pending() {
    return !toUnsubscribe.isEmpty() || !toResubscribe.isEmpty() || !toSubscribe.isEmpty();
  }

  /** When {@link #take()} will find room again (on the clock given), if something is {@link #pending()}. */
  public long nextTakeNanos() {
    return budget.nextAvailableNanos(nanoClock.getAsLong());
  }

  /** How many times changes had to wait for the exchange's request limit, since this was made. */
  public long waits() {
    return waits;
  }

  private List<String> resubscribeMessages(List<String> channels) {
    List<String> messages = new ArrayList<>(protocol.unsubscribeMessages(channels));
    messages.addAll(protocol.subscribeMessages(channels));
    return messages;
  }

  /**
   * Moves the longest prefix of {@code channels} whose messages fit in {@code available} into {@code out}; returns
   * how many messages that was. Message counts grow with the prefix, so the prefix is found by bisection.
   */
  private static int drain(Set<String> channels, int available, Function<List<String>, List<String>> messagesOf,
      List<String> out) {
    if (channels.isEmpty() || available <= 0) {
      return 0;
    }
    List<String> all = new ArrayList<>(channels);
    List<String> messages = messagesOf.apply(all);
    int fitting = all.size();
    if (messages.size() > available) {
      int low = 0; // fits
      int high = all.size(); // does not fit
      while (high - low > 1) {
        int middle = (low + high) >>> 1;
        if (messagesOf.apply(all.subList(0, middle)).size() <= available) {
          low = middle;
        } else {
          high = middle;
        }
      }
      fitting = low;
      messages = fitting == 0 ? List.of() : messagesOf.apply(all.subList(0, fitting));
    }
    Iterator<String> it = channels.iterator();
    for (int i = 0; i < fitting; i++) {
      it.next();
      it.remove();
    }
    out.addAll(messages);
    return messages.size();
  }

  private void noteWaiting(long now) {
    if (pending() && !waiting) {
      waiting = true;
      waitStartedNanos = now;
      waits++;
      RequestLimit limit = budget.limit().orElseThrow(); // without a limit nothing ever waits
      LOG.warn("{} subscription request limit reached on this connection ({} per {}): {} unsubscribes, {} re-syncs "
              + "and {} subscribes wait {} s, merged with later changes ({} waits since start)",
          protocol.exchange(), limit.requests(), limit.window(), toUnsubscribe.size(), toResubscribe.size(),
          toSubscribe.size(), Math.max(1, (nextTakeNanos() - now) / 1_000_000_000L), waits);
    } else if (!pending() && waiting) {
      waiting = false;
      LOG.info("{} subscription requests caught up after waiting {} s for the exchange's request limit",
          protocol.exchange(), (now - waitStartedNanos) / 1_000_000_000L);
    }
  }
}
