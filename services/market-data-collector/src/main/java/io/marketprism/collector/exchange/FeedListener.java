package io.marketprism.collector.exchange;

import io.marketprism.collector.book.BookSyncListener;

/**
 * Everything a feed reports: normalized events, rejected frames and books that need a fresh snapshot. The
 * collector wires the first to the publisher, the second to logs and metrics, the third to the connection
 * layer (REST snapshot for Binance, resubscribe for OKX and Deribit). All calls come on the feed's thread.
 * Implementations should not throw: the feed would count the exception as a reject of the frame being
 * handled (it never lets one escape {@link ExchangeFeed#handle}).
 */
public interface FeedListener extends MarketEventSink, RejectListener, BookSyncListener {}
