// The depth view of an OrderBook (orderbook.js): its top levels, or a line saying the book is syncing.
import { h, replace } from '../dom.js';

/** Draws the depth table: asks above (best at the bottom), bids below, bars by cumulative size. */
export function renderDepth(body, book, n, syncing) {
  if (!book.synced) {
    replace(body, h('tr', { class: 'muted' }, h('td', { colspan: '3', id: 'depth-syncing' }, syncing || 'syncing the book…')));
    body.dataset.levels = '0';
    return;
  }
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
