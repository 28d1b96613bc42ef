package io.marketprism.collector.instruments;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an exchange lists a symbol, by the {@link InstrumentDirectory}'s loaded list. Until an exchange's list has
 * been loaded nothing can be checked: symbols are then let through (a subscription to an unlisted symbol is only
 * answered by the exchange with an error frame), and that is logged once per exchange.
 *
 * <p>Thread-safe.
 */
public final class ListingCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ListingCheck.class);

  /** What the check could tell. */
  public enum Verdict {
    LISTED,
    NOT_LISTED,
    /** The exchange's list has not been loaded yet. */
    UNCHECKED
  }

  private final InstrumentDirectory directory;
  private final Set<String> warnedUnchecked = ConcurrentHashMap.newKeySet();

  public ListingCheck(InstrumentDirectory directory) {
    this.directory = directory;
  }

  /** Whether {@code exchange} lists the normalized {@code symbol}. */
  public Verdict check(String exchange, String symbol) {
    Optional<Set<String>> listed = directory.symbols(exchange);
    if (listed.isEmpty()) {
      if (warnedUnchecked.add(exchange)) {
        LOG.warn("the {} instrument list has not been loaded yet: subscribed symbols are not checked against it "
            + "until it is (logged once)", exchange);
      }
      return Verdict.UNCHECKED;
    }
    return listed.get().contains(symbol) ? Verdict.LISTED : Verdict.NOT_LISTED;
  }
}
