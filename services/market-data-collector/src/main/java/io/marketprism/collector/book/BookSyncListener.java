package io.marketprism.collector.book;

/**
 * Told when a local book is out of sync and nothing more will be emitted for it until a fresh snapshot
 * re-seeds it. The connection layer acts on it: Binance fetches the REST depth snapshot and hands it to
 * the feed; OKX and Deribit resubscribe the book channel, which makes the exchange send a snapshot.
 */
@FunctionalInterface
public interface BookSyncListener {
  /**
   * @param exchange lower-case exchange name
   * @param nativeSymbol the exchange's spelling of the instrument (what snapshot requests take)
   * @param reason why
   * @param detail the numbers behind it, e.g. {@code expected prevSeqId 10, got 12}
   */
  void resyncNeeded(String exchange, String nativeSymbol, ResyncReason reason, String detail);
}
