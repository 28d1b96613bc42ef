// Candles: 1m and 1h from storage's ListCandles, then kept current from the live trades; 1s candles are built
// from the live trades alone (storage's CandleInterval has no one-second bucket).
import { CandlestickSeries, createChart } from 'lightweight-charts';
import { get } from '../api.js';

export const INTERVALS = {
  '1s': { seconds: 1n, storage: null },
  '1m': { seconds: 60n, storage: 'CANDLE_INTERVAL_1M' },
  '1h': { seconds: 3600n, storage: 'CANDLE_INTERVAL_1H' },
};
const MAX_BARS = 1500;
const NS_PER_S = 1000000000n;

export class CandleChart {
  constructor(container) {
    this.container = container;
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: '#182028' }, textColor: '#d8dee4' },
      grid: { vertLines: { color: '#22303a' }, horzLines: { color: '#22303a' } },
      timeScale: { timeVisible: true, secondsVisible: true },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: '#26a69a', downColor: '#ef5350', wickUpColor: '#26a69a', wickDownColor: '#ef5350', borderVisible: false,
    });
    this.bars = [];
    this.interval = '1m';
    this.disposed = false;
  }

  /** Loads the interval's history from storage (none for 1s) and draws it. */
  async load(exchange, symbol, interval) {
    this.interval = interval;
    this.bars = [];
    const storage = INTERVALS[interval].storage;
    if (storage) {
      const response = await get(`/v1/candles/${exchange}/${encodeURIComponent(symbol)}`, {
        query: { interval: storage, limit: 500 },
        what: 'candles',
      });
      this.bars = (response.candles || [])
        .map((candle) => ({
          time: Number(BigInt(candle.start_time_ns) / NS_PER_S),
          open: Number(candle.open), high: Number(candle.high), low: Number(candle.low), close: Number(candle.close),
        }))
        .sort((x, y) => x.time - y.time);
    }
    // the page may have been left while storage answered
    if (this.disposed) return;
    this.series.setData(this.bars);
    this.container.dataset.bars = String(this.bars.length);
    this.chart.timeScale().scrollToRealTime();
  }

  /** Folds live trades (oldest first) into the current bar, opening new bars as time moves on. */
  addTrades(trades) {
    if (this.disposed) return;
    const seconds = INTERVALS[this.interval].seconds;
    let firstChanged = -1;
    for (const trade of trades) {
      const bucket = Number((BigInt(trade.exchange_time_ns) / NS_PER_S / seconds) * seconds);
      const price = Number(trade.price);
      const last = this.bars[this.bars.length - 1];
      if (last && last.time === bucket) {
        last.high = Math.max(last.high, price);
        last.low = Math.min(last.low, price);
        last.close = price;
        if (firstChanged < 0) firstChanged = this.bars.length - 1;
      } else if (!last || bucket > last.time) {
        this.bars.push({ time: bucket, open: price, high: price, low: price, close: price });
        if (firstChanged < 0) firstChanged = this.bars.length - 1;
      }
      // else: a late trade for a bar already drawn; the stored candle has it on the next load
    }
    if (firstChanged < 0) return;
    if (this.bars.length > MAX_BARS) {
      this.bars.splice(0, this.bars.length - MAX_BARS);
      this.series.setData(this.bars);
    } else {
      for (let i = firstChanged; i < this.bars.length; i++) this.series.update({ ...this.bars[i] });
    }
    this.container.dataset.bars = String(this.bars.length);
  }

  dispose() {
    this.disposed = true;
    this.chart.remove();
  }
}
