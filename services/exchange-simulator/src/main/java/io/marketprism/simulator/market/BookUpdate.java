package io.marketprism.simulator.market;

import java.util.List;

/**
 * The changes one market event made to the book, under one sequence number.
 *
 * @param sequence the book's update id after these changes (Binance {@code u}, OKX {@code seqId}, Deribit
 *     {@code change_id}); consecutive updates of a market have consecutive sequences
 */
public record BookUpdate(long sequence, long timeMs, List<BookChange> changes) {}
