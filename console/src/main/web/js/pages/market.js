// Market: exchange + symbol, live trades tape, best bid/ask, depth, candles, and replay of a past range.
import { follow, get, call, stream } from '../api.js';
import { h, replace } from '../dom.js';
import { clockOfNs, nsOfMillis } from '../format.js';
import { may } from '../session.js';
import { renderDepth } from '../market/book.js';
import { OrderBook } from '../market/orderbook.js';
import { CandleChart, INTERVALS } from '../market/candles.js';
import { replay } from '../market/replay.js';
import { Tape } from '../market/tape.js';

const EXCHANGES = ['binance', 'okx', 'deribit'];
const LIVE_TYPES = ['DATA_TYPE_TRADE', 'DATA_TYPE_BOOK_SNAPSHOT', 'DATA_TYPE_BOOK_DELTA', 'DATA_TYPE_TICKER'];
const DEPTH_LEVELS = 12;

function tapeHead() {
  return h('thead', {}, h('tr', {}, h('th', {}, 'time (UTC)'), h('th', { class: 'num' }, 'price'), h('th', { class: 'num' }, 'amount'), h('th', {}, 'side')));
}

export function marketPage(root, ui) {
  const exchange = h('select', { id: 'exchange' }, EXCHANGES.map((name) => h('option', { value: name }, name)));
  const symbol = h('select', { id: 'symbol' });
  const subscribe = may('operator')
    ? h('button', { id: 'subscribe', type: 'button', 'data-min-role': 'operator', title: 'Ask the collector to collect this symbol' }, 'Collect this symbol')
    : null;
  const interval = h('select', { id: 'interval' }, Object.keys(INTERVALS).map((name) => h('option', { value: name }, name)));
  interval.value = '1m';
  const status = h('span', { id: 'live-status', class: 'pill' }, 'connecting');
  const bid = h('span', { id: 'best-bid', class: 'buy' }, '—');
  const ask = h('span', { id: 'best-ask', class: 'sell' }, '—');
  const updated = h('span', { class: 'muted', id: 'bbo-time' }, '');
  const tapeBody = h('tbody', { id: 'tape', 'data-total': '0' });
  const depthBody = h('tbody', { id: 'depth', 'data-levels': '0' });
  const chartBox = h('div', { id: 'candles', 'data-bars': '0' });
  const replayBody = h('tbody', { id: 'replay-tape', 'data-total': '0' });
  const replayFrom = h('input', { id: 'replay-from', type: 'number', min: '1', value: '5', size: '4' });
  const replayLength = h('input', { id: 'replay-length', type: 'number', min: '1', value: '2', size: '4' });
  const replaySpeed = h('select', { id: 'replay-speed' },
    [['1', '1×'], ['10', '10×'], ['100', '100×'], ['0', 'as fast as possible']].map(([v, t]) => h('option', { value: v }, t)));
  replaySpeed.value = '10';
  const replayButton = h('button', { id: 'replay-start', type: 'button' }, 'Replay');
  const replayStatus = h('span', { id: 'replay-status', class: 'muted' }, '');

  replace(root,
    h('div', { class: 'controls' },
      h('label', {}, 'Exchange', exchange), h('label', {}, 'Symbol', symbol), subscribe, status),
    h('div', { class: 'grid market' },
      h('section', { class: 'panel' },
        h('h2', {}, 'Candles ', interval), chartBox),
      h('section', { class: 'panel' },
        h('h2', {}, 'Best bid / ask'),
        h('div', { class: 'bbo' }, h('span', {}, h('small', {}, 'bid'), bid), h('span', {}, h('small', {}, 'ask'), ask), updated),
        h('h2', { style: 'margin-top:12px' }, 'Depth'),
        h('div', { class: 'scroll' }, h('table', { class: 'depth' }, h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'price'), h('th', { class: 'num' }, 'size'), h('th', {}, ''))), depthBody))),
      h('section', { class: 'panel tape' },
        h('h2', {}, 'Trades (live)'),
        h('div', { class: 'scroll' }, h('table', {}, tapeHead(), tapeBody))),
      h('section', { class: 'panel tape' },
        h('h2', {}, 'Replay'),
        h('div', { class: 'controls' },
          h('label', {}, 'from', replayFrom, 'min ago'), h('label', {}, 'for', replayLength, 'min'),
          h('label', {}, 'speed', replaySpeed), replayButton, replayStatus),
        h('div', { class: 'scroll' }, h('table', {}, tapeHead(), replayBody)))));

  const tape = new Tape(tapeBody);
  const replayTape = new Tape(replayBody, 30);
  const chart = new CandleChart(chartBox);
  let bookNote = '';
  const book = new OrderBook((reason) => {
    bookNote = `re-syncing the book (${reason})`;
    drawDepth();
    scheduleBookSync();
  });
  let bookSync = { generation: 0, timer: null, delayMs: 1000, controller: null };
  let stopLive = () => {};
  let replayController = null;
  let depthScheduled = false;
  let subscribed = new Set();

  const drawDepth = () => {
    if (depthScheduled) return;
    depthScheduled = true;
    setTimeout(() => { depthScheduled = false; renderDepth(depthBody, book, DEPTH_LEVELS, bookNote); }, 200);
  };

  // After a gap, try again later and later (storage may have a hole too); a live book snapshot syncs it meanwhile.
  function scheduleBookSync() {
    if (bookSync.timer) return;
    const generation = bookSync.generation;
    bookSync.timer = setTimeout(() => {
      bookSync.timer = null;
      if (generation === bookSync.generation) syncBook(generation);
    }, bookSync.delayMs);
    bookSync.delayMs = Math.min(30000, bookSync.delayMs * 2);
  }

  // The book starts from storage's latest snapshot and the stored deltas after it; the live deltas that arrive
  // meanwhile wait in the book and follow once the stored ones have been applied in sequence.
  async function syncBook(generation) {
    const path = `${exchange.value}/${encodeURIComponent(symbol.value)}`;
    let response;
    try {
      response = await get(`/v1/books/${path}/snapshot`, { what: 'order book' });
    } catch (e) {
      if (e.status !== 404) ui.warn(e.message);
      bookNote = 'waiting for a book snapshot';
      drawDepth();
      return;
    }
    if (generation !== bookSync.generation || !response.snapshot) return;
    const snapshot = response.snapshot;
    book.applySnapshot(snapshot, { catchingUp: true });
    const takenNs = BigInt(snapshot.exchange_time_ns || '0') > 0n ? snapshot.exchange_time_ns : snapshot.receive_time_ns;
    // from a little before the snapshot: deltas it already holds are skipped by sequence
    const fromNs = BigInt(takenNs || '0') - 5000000000n;
    bookSync.controller = new AbortController();
    try {
      await stream(`/v1/events/${path}:replay`,
        { start_time_ns: String(fromNs > 0n ? fromNs : 0n), end_time_ns: nsOfMillis(Date.now()), data_types: 'DATA_TYPE_BOOK_DELTA' },
        (message) => {
          if (generation !== bookSync.generation) return;
          for (const event of message.events || []) if (event.book_delta) book.applyDelta(event.book_delta, { stored: true });
        },
        { what: 'order book catch-up', signal: bookSync.controller.signal });
    } catch (e) {
      if (generation === bookSync.generation) ui.warn(e.message);
      return;
    }
    if (generation !== bookSync.generation) return;
    if (book.catchingUp) book.finishCatchUp();
    if (book.synced) {
      bookNote = '';
      bookSync.delayMs = 1000;
    }
    drawDepth();
  }

  async function loadSymbols() {
    const name = exchange.value;
    const [subscriptions, instruments] = await Promise.allSettled([
      get('/v1/collector/subscriptions', { query: { exchange: name, page_size: 1000 }, what: 'subscriptions' }),
      get(`/v1/collector/exchanges/${name}/instruments`, { query: { page_size: 1000 }, what: `${name} instruments` }),
    ]);
    subscribed = new Set(subscriptions.status === 'fulfilled' ? (subscriptions.value.subscriptions || []).map((s) => s.symbol) : []);
    const listed = instruments.status === 'fulfilled' ? (instruments.value.instruments || []).map((i) => i.symbol) : [];
    if (instruments.status === 'rejected') ui.warn(instruments.reason.message);
    const names = [...subscribed].sort().concat(listed.filter((s) => !subscribed.has(s)).sort());
    replace(symbol,
      names.length ? null : h('option', { value: '' }, 'no instruments'),
      subscribed.size ? h('optgroup', { label: 'collected' }, [...subscribed].sort().map((s) => h('option', { value: s }, s))) : null,
      listed.some((s) => !subscribed.has(s))
        ? h('optgroup', { label: 'listed, not collected' }, listed.filter((s) => !subscribed.has(s)).sort().map((s) => h('option', { value: s }, s)))
        : null);
  }

  async function showSymbol() {
    stopLive();
    tape.clear();
    book.reset();
    if (bookSync.timer) clearTimeout(bookSync.timer);
    if (bookSync.controller) bookSync.controller.abort();
    bookSync = { generation: bookSync.generation + 1, timer: null, delayMs: 1000, controller: null };
    bookNote = '';
    bid.textContent = ask.textContent = '—';
    replace(depthBody);
    const ex = exchange.value;
    const sym = symbol.value;
    if (subscribe) subscribe.hidden = !sym || subscribed.has(sym);
    if (!sym) return;
    const path = `${ex}/${encodeURIComponent(sym)}`;
    chart.load(ex, sym, interval.value).catch((e) => ui.warn(e.message));
    stopLive = follow(`/v1/events/${path}:follow`, { data_types: LIVE_TYPES }, (message) => {
      status.textContent = 'live';
      status.className = 'pill ok';
      const trades = [];
      for (const event of message.events || []) {
        if (event.trade) trades.push(event.trade);
        else if (event.book_snapshot) { book.applySnapshot(event.book_snapshot); bookNote = ''; drawDepth(); }
        else if (event.book_delta) { book.applyDelta(event.book_delta); drawDepth(); }
        else if (event.ticker) showTicker(event.ticker);
      }
      if (trades.length) { tape.push(trades); chart.addTrades(trades); }
    }, {
      what: 'live events',
      // the book is started once the live stream is open, so that no delta falls between the two
      onOpen: () => { if (!book.synced && !book.catchingUp) syncBook(bookSync.generation); },
      onError: (e) => { status.textContent = 'disconnected'; status.className = 'pill bad'; ui.warn(e.message); },
    });
  }

  function showTicker(ticker) {
    if (ticker.bid_price) bid.textContent = `${ticker.bid_price} × ${ticker.bid_amount}`;
    if (ticker.ask_price) ask.textContent = `${ticker.ask_price} × ${ticker.ask_amount}`;
    updated.textContent = clockOfNs(ticker.exchange_time_ns);
  }

  exchange.addEventListener('change', () => loadSymbols().then(showSymbol).catch((e) => ui.warn(e.message)));
  symbol.addEventListener('change', showSymbol);
  interval.addEventListener('change', () => chart.load(exchange.value, symbol.value, interval.value).catch((e) => ui.warn(e.message)));
  if (subscribe) {
    subscribe.addEventListener('click', async () => {
      try {
        await call('POST', '/v1/collector/subscriptions:subscribe', {
          body: { exchange: exchange.value, symbols: [symbol.value], data_types: LIVE_TYPES }, what: 'subscribe',
        });
        ui.info(`The collector now collects ${symbol.value} on ${exchange.value}.`);
        await loadSymbols();
        showSymbol();
      } catch (e) {
        ui.warn(e.message);
      }
    });
  }
  replayButton.addEventListener('click', async () => {
    if (replayController) replayController.abort();
    replayController = new AbortController();
    replayTape.clear();
    const now = Date.now();
    const from = now - Number(replayFrom.value) * 60000;
    const to = Math.min(now, from + Number(replayLength.value) * 60000);
    replayStatus.textContent = 'replaying…';
    try {
      const played = await replay({
        exchange: exchange.value, symbol: symbol.value, fromMillis: from, toMillis: to,
        speed: Number(replaySpeed.value), tape: replayTape, signal: replayController.signal,
        onProgress: (count, ns) => { replayStatus.textContent = `${count} trades, at ${clockOfNs(ns)}`; },
      });
      replayStatus.textContent = `done: ${played} trades replayed`;
    } catch (e) {
      replayStatus.textContent = '';
      ui.warn(e.message);
    }
  });

  loadSymbols().then(showSymbol).catch((e) => ui.warn(e.message));
  return () => {
    stopLive();
    bookSync.generation++;
    if (bookSync.timer) clearTimeout(bookSync.timer);
    if (bookSync.controller) bookSync.controller.abort();
    if (replayController) replayController.abort();
    chart.dispose();
  };
}
