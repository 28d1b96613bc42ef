package io.marketprism.broker.subscribe;

import java.time.Duration;

/**
 * The credit a Subscribe client has granted and the server has not used yet: everything granted minus every message
 * sent. The delivery loop waits here while it is zero.
 *
 * <p>Thread-safe: the request thread grants, the delivery loop consumes; all state is guarded by {@code this}.
 */
public final class Credits {

  /** Guarded by {@code this}. */
  private long remaining;

  /** Guarded by {@code this}. */
  private boolean closed;

  public Credits(long initial) {
    this.remaining = initial;
  }

  /** Adds {@code count} and wakes the delivery loop. */
  public synchronized void grant(long count) {
    remaining += count;
    notifyAll();
  }

  /** Uses one credit for a message about to be sent; fails if none is left (a bug in the caller). */
  public synchronized void consume() {
    if (remaining <= 0) {
      throw new IllegalStateException("no credit left to send a message");
    }
    remaining--;
  }

  public synchronized long remaining() {
    return remaining;
  }

  /** Wakes any waiter for good: the subscription is ending. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  /**
   * Waits up to {@code timeout} for credit.
   *
   * @return the credit available now (0 if the wait timed out or {@link #close} was called)
   */
  public synchronized long awaitAvailable(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (remaining <= 0 && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return 0;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return closed ? 0 : remaining;
  }
}
