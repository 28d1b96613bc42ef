// The console's order book: in sequence from a snapshot, gaps and crossed books detected, catch-up from stored deltas.
// Run by Maven (console module, test phase) with `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderBook } from '../../main/web/js/market/orderbook.js';

const snapshot = (sequence, bids, asks) => ({
  last_sequence: String(sequence),
  bids: bids.map(([price, amount]) => ({ price, amount })),
  asks: asks.map(([price, amount]) => ({ price, amount })),
});
const delta = (prev, last, bids = [], asks = []) => ({
  prev_sequence: String(prev),
  last_sequence: String(last),
  bids: bids.map(([price, amount]) => ({ price, amount })),
  asks: asks.map(([price, amount]) => ({ price, amount })),
});

test('live deltas that arrive before the snapshot wait, then the ones after it apply in order', () => {
  const book = new OrderBook();
  book.applyDelta(delta(99, 100, [['10.0', '1']]));
  book.applyDelta(delta(100, 101, [['10.5', '2']]));
  assert.equal(book.synced, false);
  book.applySnapshot(snapshot(100, [['10.0', '3']], [['11', '1']]));
  assert.equal(book.synced, true);
  assert.deepEqual(book.top(5), { bids: [['10.5', '2'], ['10', '3']], asks: [['11', '1']] });
  assert.equal(book.sequence, 101n);
});

test('a gap puts the book out of sync and says why', () => {
  const reasons = [];
  const book = new OrderBook((reason) => reasons.push(reason));
  book.applySnapshot(snapshot(100, [['10', '1']], [['11', '1']]));
  assert.equal(book.applyDelta(delta(100, 101, [['10', '2']])), true);
  assert.equal(book.applyDelta(delta(105, 106, [['10', '4']])), false);
  assert.equal(book.synced, false);
  assert.match(reasons[0], /gap after sequence 101/);
  assert.equal(book.empty, true);
});

test('a delta that leaves the best bid at or above the best ask is a lost book, never drawn', () => {
  const reasons = [];
  const book = new OrderBook((reason) => reasons.push(reason));
  book.applySnapshot(snapshot(1, [['10', '1']], [['11', '1'], ['12', '1']]));
  // the ask at 11 should have been removed by an update the book never saw
  assert.equal(book.applyDelta(delta(1, 2, [['11.5', '1']])), false);
  assert.match(reasons[0], /crossed/);
  assert.equal(book.synced, false);
});

test('stored deltas catch a stored snapshot up; those it already holds are skipped; waiting live ones follow', () => {
  const book = new OrderBook();
  book.applyDelta(delta(202, 203, [], [['12', '0']])); // live, arrives during the catch-up
  book.applySnapshot(snapshot(200, [['10', '1']], [['11', '1'], ['12', '1']]), { catchingUp: true });
  assert.equal(book.applyDelta(delta(199, 200, [['9', '1']]), { stored: true }), true); // already in the snapshot
  assert.equal(book.applyDelta(delta(200, 201, [['10', '2']]), { stored: true }), true);
  assert.equal(book.applyDelta(delta(201, 202, [['10.5', '1']]), { stored: true }), true);
  assert.equal(book.synced, false);
  book.finishCatchUp();
  assert.equal(book.synced, true);
  assert.equal(book.sequence, 203n);
  assert.deepEqual(book.top(5), { bids: [['10.5', '1'], ['10', '2']], asks: [['11', '1']] });
});

test('Binance spot: the first delta straddles the snapshot id, later ones start right after the previous one', () => {
  const book = new OrderBook();
  book.applySnapshot({ last_sequence: '1000', bids: [{ price: '1', amount: '1' }], asks: [{ price: '2', amount: '1' }] });
  assert.equal(book.applyDelta({ first_sequence: '995', last_sequence: '1003', bids: [{ price: '1', amount: '5' }] }), true);
  assert.equal(book.applyDelta({ first_sequence: '1004', last_sequence: '1010', asks: [{ price: '2.5', amount: '1' }] }), true);
  assert.equal(book.applyDelta({ first_sequence: '1020', last_sequence: '1030' }), false);
});

test('an older snapshot does not replace a synced book', () => {
  const book = new OrderBook();
  book.applySnapshot(snapshot(300, [['10', '1']], [['11', '1']]));
  book.applySnapshot(snapshot(250, [['9', '1']], [['12', '1']]));
  assert.deepEqual(book.top(1), { bids: [['10', '1']], asks: [['11', '1']] });
});
