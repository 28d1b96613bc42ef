// Data health: every collector feed (WatchFeeds, once a second) and storage's newest event and lag per table.
// A feed is red when it is not LIVE, or when a busy data type (trades, books, tickers) has been silent too long.
import { follow, get } from '../api.js';
import { h, replace } from '../dom.js';
import { ago, ageSeconds, clockOfNs } from '../format.js';

const BUSY_TYPES = new Set(['DATA_TYPE_TRADE', 'DATA_TYPE_BOOK_DELTA', 'DATA_TYPE_BOOK_SNAPSHOT', 'DATA_TYPE_TICKER']);
export const STALE_AFTER_SECONDS = 10;
const STORAGE_STALE_AFTER_SECONDS = 60;

export function feedIsStale(feed) {
  if (feed.state !== 'FEED_STATE_LIVE') return true;
  if (!BUSY_TYPES.has(feed.data_type)) return false;
  const age = ageSeconds(feed.last_message_time);
  return age === null || age > STALE_AFTER_SECONDS;
}

export function healthPage(root, ui) {
  const feedsBody = h('tbody', { id: 'feeds' });
  const storageBody = h('tbody', { id: 'storage-tables' });
  const feedsNote = h('p', { class: 'muted', id: 'feeds-note' }, 'waiting for the collector…');
  const storageNote = h('p', { class: 'muted' }, '');
  replace(root,
    h('section', { class: 'panel' },
      h('h2', {}, 'Collector feeds'), feedsNote,
      h('div', { class: 'scroll' },
        h('table', {},
          h('thead', {}, h('tr', {}, ['feed', 'state', 'symbols', 'connected since', 'msgs/s', 'last message', 'gaps', 'resyncs', 'rejected', 'shed', 'reconnects', 'last error']
            .map((title) => h('th', {}, title)))),
          feedsBody))),
    h('section', { class: 'panel', style: 'margin-top:12px' },
      h('h2', {}, 'Storage'), storageNote,
      h('div', { class: 'scroll' },
        h('table', {},
          h('thead', {}, h('tr', {}, ['table', 'tier', 'rows', 'newest event', 'behind', 'consumer lag'].map((title) => h('th', {}, title)))),
          storageBody))));

  let feeds = [];
  let tables = [];
  const drawFeeds = () => {
    replace(feedsBody, feeds.map((feed) => {
      const stale = feedIsStale(feed);
      const name = `${feed.exchange} ${(feed.data_type || '').replace('DATA_TYPE_', '').toLowerCase()}`;
      return h('tr', { class: stale ? 'feed stale' : 'feed', 'data-feed': name, 'data-state': feed.state },
        h('td', {}, name),
        h('td', {}, h('span', { class: stale ? 'pill bad' : 'pill ok' }, (feed.state || '').replace('FEED_STATE_', '').toLowerCase())),
        h('td', {}, (feed.symbols || []).join(', ')),
        h('td', {}, feed.connected_since ? `${feed.connected_since.slice(11, 19)} (${ago(feed.connected_since)})` : '—'),
        h('td', { class: 'num' }, (feed.messages_per_second || 0).toFixed(1)),
        h('td', {}, ago(feed.last_message_time)),
        h('td', { class: 'num' }, feed.gaps_total || '0'),
        h('td', { class: 'num' }, feed.resyncs_total || '0'),
        h('td', { class: 'num' }, feed.rejected_frames_total || '0'),
        h('td', { class: 'num' }, feed.shed_total || '0'),
        h('td', { class: 'num' }, feed.reconnects_total || '0'),
        h('td', {}, feed.last_error || ''));
    }));
    const bad = feeds.filter(feedIsStale).length;
    feedsNote.textContent = `${feeds.length} feeds, ${bad} stale or down (red: not live, or no message for ${STALE_AFTER_SECONDS} s)`;
  };
  const drawStorage = () => {
    replace(storageBody, tables.map((table) => {
      const age = ageSeconds(table.newest_event_time_ns);
      const stale = table.tier === 'TIER_HOT' && (table.rows || '0') !== '0' && (age === null || age > STORAGE_STALE_AFTER_SECONDS);
      return h('tr', { class: stale ? 'stale' : '', 'data-table': table.table },
        h('td', {}, table.table),
        h('td', {}, (table.tier || '').replace('TIER_', '').toLowerCase()),
        h('td', { class: 'num' }, table.rows || '0'),
        h('td', {}, clockOfNs(table.newest_event_time_ns)),
        h('td', {}, ago(table.newest_event_time_ns)),
        h('td', { class: 'num' }, table.consumer_lag ?? '—'));
    }));
  };

  const stop = follow('/v1/collector/feeds:watch', { interval: '1s' }, (message) => {
    feeds = message.feeds || [];
    drawFeeds();
  }, { what: 'feed status', onError: (e) => { feedsNote.textContent = e.message; feedsNote.className = 'error'; } });

  const loadStorage = () =>
    get('/v1/storage/stats', { what: 'storage stats' })
      .then((response) => { tables = response.tables || []; storageNote.textContent = ''; drawStorage(); })
      .catch((e) => { storageNote.textContent = e.message; storageNote.className = 'error'; });
  loadStorage();
  // ages move on between updates; storage stats are cached 5 s by the gateway, so asking more often buys nothing
  const ticker = setInterval(drawFeeds, 1000);
  const storageTimer = setInterval(loadStorage, 5000);
  return () => { stop(); clearInterval(ticker); clearInterval(storageTimer); };
}
