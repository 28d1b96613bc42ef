package io.marketprism.collector;

import io.marketprism.marketdata.v1.BookDelta;
import io.marketprism.marketdata.v1.BookSnapshot;
import io.marketprism.marketdata.v1.Level;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays published snapshots and deltas, in stream order, the way a consumer rebuilds books, and lists every
 * inconsistency: a delta for a book that has no snapshot yet, a delta that does not chain from the previous
 * snapshot or delta (by the rules in {@code market_data.proto}), or a book that ends up crossed. Written
 * independently of the collector's book code.
 */
final class BookReplay {
  private final Map<String, Book> books = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private long snapshots;
  private long deltas;

  void snapshot(BookSnapshot snapshot) {
    snapshots++;
    Book book = new Book();
    book.last = snapshot.getLastSequence();
    snapshot.getBidsList().forEach(level -> book.apply(book.bids, level));
    snapshot.getAsksList().forEach(level -> book.apply(book.asks, level));
    books.put(snapshot.getExchange() + "/" + snapshot.getSymbol(), book);
    check(snapshot.getExchange() + "/" + snapshot.getSymbol() + " snapshot " + snapshot.getLastSequence(), book);
  }

  void delta(BookDelta delta) {
    deltas++;
    String key = delta.getExchange() + "/" + delta.getSymbol();
    String what = key + " delta " + delta.getLastSequence();
    Book book = books.get(key);
    if (book == null) {
      problems.add(what + ": published before any snapshot of its book");
      return;
    }
    if (!chains(book, delta)) {
      problems.add(what + ": does not follow " + book.last + " (first " + delta.getFirstSequence() + ", prev "
          + delta.getPrevSequence() + ")" + (book.fresh ? " right after a snapshot" : ""));
    }
    book.last = delta.getLastSequence();
    book.fresh = false;
    delta.getBidsList().forEach(level -> book.apply(book.bids, level));
    delta.getAsksList().forEach(level -> book.apply(book.asks, level));
    check(what, book);
  }

  private static boolean chains(Book book, BookDelta delta) {
    long next = book.last + 1;
    if (delta.getExchange().equals("binance")) {
      if (book.fresh) {
        // The first delta applied covers the snapshot's next update id (futures: reaches at least its id).
        return delta.getFirstSequence() <= next
            && (delta.hasPrevSequence() ? delta.getLastSequence() >= book.last : delta.getLastSequence() >= next);
      }
      return delta.hasPrevSequence() ? delta.getPrevSequence() == book.last : delta.getFirstSequence() == next;
    }
    return delta.hasPrevSequence() && delta.getPrevSequence() == book.last; // OKX prevSeqId, Deribit prev_change_id
  }

  private void check(String what, Book book) {
    if (!book.bids.isEmpty() && !book.asks.isEmpty() && book.bids.lastKey().compareTo(book.asks.firstKey()) >= 0) {
      problems.add(what + ": crossed book, best bid " + book.bids.lastKey() + " >= best ask " + book.asks.firstKey());
    }
  }

  List<String> problems() {
    return problems;
  }

  long snapshots() {
    return snapshots;
  }

  long deltas() {
    return deltas;
  }

  private static final class Book {
    final TreeMap<BigDecimal, String> bids = new TreeMap<>();
    final TreeMap<BigDecimal, String> asks = new TreeMap<>();
    long last;
    boolean fresh = true;

    void apply(TreeMap<BigDecimal, String> side, Level level) {
      BigDecimal price = new BigDecimal(level.getPrice());
      if (new BigDecimal(level.getAmount()).signum() == 0) {
        side.remove(price);
      } else {
        side.put(price, level.getAmount());
      }
    }
  }
}
