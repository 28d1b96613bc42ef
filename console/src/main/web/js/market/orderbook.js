// An order book kept in exchange sequence, with exact decimal keys: a snapshot, then only the deltas that follow it
// without a gap. Until it is in sequence ("synced") live deltas wait in a bounded buffer; a gap, or a book whose best
// bid reaches its best ask (levels that should have been removed were missed), puts it back out of sync and asks
// for a new start (onOutOfSync). No DOM here: it is unit-tested under Node.
import { canonicalDecimal, compareDecimal, isZeroDecimal } from '../format.js';

const KEEP_LEVELS = 400;
const MAX_WAITING = 5000;

export class OrderBook {
  /** @param onOutOfSync called with a reason when the book loses sequence and needs a snapshot again */
  constructor(onOutOfSync = () => {}) {
    this.onOutOfSync = onOutOfSync;
    this.reset();
  }

  /** Forgets everything: no levels, not synced, no waiting deltas. */
  reset() {
    this.bids = new Map();
    this.asks = new Map();
    this.sequence = null;
    this.synced = false;
    this.catchingUp = false;
    this.waiting = [];
  }

  get empty() {
    return this.bids.size === 0 && this.asks.size === 0;
  }

  /**
   * Starts from a snapshot: a live one from the stream (then the waiting deltas after it are applied and the book is
   * synced) or a stored one (`{ catchingUp: true }`: the caller then feeds the stored deltas after it with
   * `applyDelta(d, { stored: true })` and calls `finishCatchUp()`). A snapshot older than the synced book is ignored.
   */
  applySnapshot(snapshot, { catchingUp = false } = {}) {
    const sequence = sequenceOf(snapshot.last_sequence);
    if (this.synced && sequence !== null && this.sequence !== null && sequence <= this.sequence) return;
    this.bids = levels(snapshot.bids);
    this.asks = levels(snapshot.asks);
    this.sequence = sequence;
    this.synced = false;
    this.catchingUp = catchingUp;
    if (!catchingUp) this.finishCatchUp();
  }

  /** After a stored snapshot and its stored deltas: the live deltas that waited are applied and the book is live. */
  finishCatchUp() {
    this.catchingUp = false;
    this.synced = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const delta of waiting) {
      if (!this.applyDelta(delta)) return;
    }
  }

  /**
   * Applies one delta if it follows the book; returns false if the book is (now) out of sync. A live delta that
   * arrives while the book is not synced waits; `stored` deltas (a catch-up) are applied at once.
   */
  applyDelta(delta, { stored = false } = {}) {
    if (!this.synced && !stored) {
      this.waiting.push(delta);
      if (this.waiting.length > MAX_WAITING) this.waiting.shift();
      return false;
    }
    if (!this.synced && !this.catchingUp) return false;
    const last = sequenceOf(delta.last_sequence);
    if (last !== null && this.sequence !== null) {
      if (last <= this.sequence) return true; // already in the book
      if (!follows(delta, this.sequence)) return this.lose(`gap after sequence ${this.sequence} (next covers up to ${last})`);
    }
    update(this.bids, delta.bids);
    update(this.asks, delta.asks);
    if (last !== null) this.sequence = last;
    if (this.crossed()) return this.lose('crossed book: best bid at or above best ask');
    if (this.bids.size > 2 * KEEP_LEVELS) this.bids = new Map(sorted(this.bids, true).slice(0, KEEP_LEVELS));
    if (this.asks.size > 2 * KEEP_LEVELS) this.asks = new Map(sorted(this.asks, false).slice(0, KEEP_LEVELS));
    return true;
  }

  /** The best `n` levels of each side as [price, amount] pairs, best first. */
  top(n) {
    return { bids: sorted(this.bids, true).slice(0, n), asks: sorted(this.asks, false).slice(0, n) };
  }

  crossed() {
    if (this.bids.size === 0 || this.asks.size === 0) return false;
    return compareDecimal(best(this.bids, true), best(this.asks, false)) >= 0;
  }

  lose(reason) {
    this.reset();
    this.onOutOfSync(reason);
    return false;
  }
}

/** An int64 from proto JSON (a string, or a number for small values) as a BigInt; null when absent. */
function sequenceOf(value) {
  return value === undefined || value === null || value === '' ? null : BigInt(value);
}

/**
 * Whether a delta continues a book at `sequence`: its prev_sequence is the book's (OKX, Deribit, Binance futures), or
 * its range starts at or before the next update id (Binance spot's first delta after a snapshot straddles it).
 */
function follows(delta, sequence) {
  const prev = sequenceOf(delta.prev_sequence);
  if (prev !== null) return prev === sequence;
  const first = sequenceOf(delta.first_sequence);
  if (first !== null) return first <= sequence + 1n;
  return true;
}

function levels(list) {
  const map = new Map();
  for (const level of list || []) if (!isZeroDecimal(level.amount)) map.set(canonicalDecimal(level.price), level.amount);
  return map;
}

function update(map, list) {
  for (const level of list || []) {
    const price = canonicalDecimal(level.price);
    if (isZeroDecimal(level.amount)) map.delete(price);
    else map.set(price, level.amount);
  }
}

function best(map, highest) {
  let top = null;
  for (const price of map.keys()) {
    if (top === null || (highest ? compareDecimal(price, top) > 0 : compareDecimal(price, top) < 0)) top = price;
  }
  return top;
}

export function sorted(map, descending) {
  const entries = [...map.entries()];
  entries.sort((a, b) => (descending ? compareDecimal(b[0], a[0]) : compareDecimal(a[0], b[0])));
  return entries;
}
