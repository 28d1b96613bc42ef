// The trades tape. Trades arrive by the hundred per second at the simulator's full rate: they are queued and
// drawn once per animation frame as one fragment, and only the newest `rows` stay in the DOM and in memory.
import { h } from '../dom.js';
import { clockOfNs } from '../format.js';

export class Tape {
  constructor(body, rows = 40) {
    this.body = body;
    this.rows = rows;
    this.queue = [];
    this.total = 0;
    this.scheduled = false;
  }

  /** Queues trades (oldest first); drops any the next frame could not show anyway. */
  push(trades) {
    for (const trade of trades) this.queue.push(trade);
    if (this.queue.length > this.rows) this.queue.splice(0, this.queue.length - this.rows);
    this.total += trades.length;
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  clear() {
    this.queue = [];
    this.total = 0;
    this.body.replaceChildren();
    this.body.dataset.total = '0';
  }

  flush() {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = this.queue.length - 1; i >= 0; i--) fragment.append(row(this.queue[i]));
    this.queue = [];
    this.body.prepend(fragment);
    while (this.body.childElementCount > this.rows) this.body.lastElementChild.remove();
    this.body.dataset.total = String(this.total);
  }
}

function row(trade) {
  const side = trade.side === 'SIDE_BUY' ? 'buy' : trade.side === 'SIDE_SELL' ? 'sell' : '';
  return h(
    'tr',
    { class: side, 'data-trade-id': trade.trade_id },
    h('td', {}, clockOfNs(trade.exchange_time_ns)),
    h('td', { class: 'num' }, trade.price),
    h('td', { class: 'num' }, trade.amount),
    h('td', {}, side || '—'),
  );
}
