// Replays a past range of trades from storage (ReplayEvents) at a chosen speed. Events are paced by their exchange
// times; while the console waits to show the next one it does not read the stream, so the gateway asks storage for
// more only as fast as the replay plays.
import { stream } from '../api.js';
import { nsOfMillis } from '../format.js';

export async function replay({ exchange, symbol, fromMillis, toMillis, speed, tape, onProgress, signal }) {
  let firstEventMs = null;
  let startedWall = 0;
  let played = 0;
  await stream(
    `/v1/events/${exchange}/${encodeURIComponent(symbol)}:replay`,
    { start_time_ns: nsOfMillis(fromMillis), end_time_ns: nsOfMillis(toMillis), data_types: 'DATA_TYPE_TRADE' },
    async (message) => {
      const trades = (message.events || []).map((event) => event.trade).filter(Boolean);
      for (const trade of trades) {
        const eventMs = Number(BigInt(trade.exchange_time_ns) / 1000000n);
        if (firstEventMs === null) {
          firstEventMs = eventMs;
          startedWall = performance.now();
        }
        if (speed > 0) {
          const due = startedWall + (eventMs - firstEventMs) / speed;
          const wait = due - performance.now();
          if (wait > 4) await sleep(wait, signal);
        }
        tape.push([trade]);
        played++;
      }
      onProgress(played, trades.length ? trades[trades.length - 1].exchange_time_ns : null);
    },
    { signal, what: 'replay' },
  );
  return played;
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
