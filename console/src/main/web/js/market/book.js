// An order book kept from the storage snapshot and the live deltas, with exact decimal keys; the depth view
// shows its top levels. Levels far from the top are trimmed so a long session's memory stays bounded.
import { h, replace } from '../dom.js';
import { canonicalDecimal, compareDecimal, isZeroDecimal } from '../format.js';

const KEEP_LEVELS = 400;

export class OrderBook {
  constructor() {
    this.bids = new Map();
    this.asks = new Map();
  }

  applySnapshot(snapshot) {
    this.bids = levels(snapshot.bids);
    this.asks = levels(snapshot.asks);
  }

  applyDelta(delta) {
    update(this.bids, delta.bids);
    update(this.asks, delta.asks);
    if (this.bids.size > 2 * KEEP_LEVELS) this.bids = new Map(sorted(this.bids, true).slice(0, KEEP_LEVELS));
    if (this.asks.size > 2 * KEEP_LEVELS) this.asks = new Map(sorted(this.asks, false).slice(0, KEEP_LEVELS));
  }

  /** The best `n` levels of each side as [price, amount] pairs, best first. */
  top(n) {
    return { bids: sorted(this.bids, true).slice(0, n), asks: sorted(this.asks, false).slice(0, n) };
  }

  get empty() {
    return this.bids.size === 0 && this.asks.size === 0;
  }
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

function sorted(map, descending) {
  const entries = [...map.entries()];
  entries.sort((a, b) => (descending ? compareDecimal(b[0], a[0]) : compareDecimal(a[0], b[0])));
  return entries;
}

/** Draws the depth table: asks above (best at the bottom), bids below, bars by cumulative size. */
export function renderDepth(body, book, n) {
  const { bids, asks } = book.top(n);
  const cumulative = (side) => {
    let sum = 0;
    return side.map(([price, amount]) => [price, amount, (sum += Number(amount))]);
  };
  const a = cumulative(asks);
  const b = cumulative(bids);
  const max = Math.max(a.length ? a[a.length - 1][2] : 0, b.length ? b[b.length - 1][2] : 0) || 1;
  const line = (cls, [price, amount, total]) =>
    h('tr', { class: cls },
      h('td', { class: 'num' }, price),
      h('td', { class: 'num' }, amount),
      h('td', { class: 'bar' }, h('i', { style: `width:${((100 * total) / max).toFixed(1)}%` })));
  replace(body, a.slice().reverse().map((level) => line('ask', level)), b.map((level) => line('bid', level)));
  body.dataset.levels = String(a.length + b.length);
}
