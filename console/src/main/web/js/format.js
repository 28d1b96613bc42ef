// Times are integer nanoseconds (64-bit, sent as strings) and prices exact decimal strings: both are shown as they
// came, never through floating point; Number() is used only to size bars and place candles on a chart.

const NS_PER_MS = 1000000n;

/** "12:34:56.789" (UTC) from a nanosecond timestamp string. */
export function clockOfNs(ns) {
  if (!ns) return '—';
  const date = new Date(Number(BigInt(ns) / NS_PER_MS));
  return date.toISOString().slice(11, 23);
}

/** Seconds elapsed since a google.protobuf.Timestamp (RFC 3339 in JSON) or a nanosecond string; null if absent. */
export function ageSeconds(time) {
  const ms = millisOf(time);
  return ms === null ? null : Math.max(0, (Date.now() - ms) / 1000);
}

export function millisOf(time) {
  if (!time) return null;
  if (/^\d+$/.test(time)) return BigInt(time) === 0n ? null : Number(BigInt(time) / NS_PER_MS);
  const ms = Date.parse(time);
  return Number.isNaN(ms) || ms <= 0 ? null : ms;
}

/** "3 s ago", "4 min ago", "2 h ago". */
export function ago(time) {
  const seconds = ageSeconds(time);
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** Nanoseconds since the epoch, as the string the API takes, for a Date.now()-style millisecond value. */
export function nsOfMillis(ms) {
  return (BigInt(Math.floor(ms)) * NS_PER_MS).toString();
}

/** Compares two non-negative decimal strings exactly ("65000.10" vs "65000.1" are equal). */
export function compareDecimal(a, b) {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+(?=\d)/, '');
  const bInt = bi.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const aFrac = af.padEnd(width, '0');
  const bFrac = bf.padEnd(width, '0');
  return aFrac === bFrac ? 0 : aFrac < bFrac ? -1 : 1;
}

/** True for "0", "0.000", "" — a book delta's "remove this level". */
export function isZeroDecimal(value) {
  return /^0*\.?0*$/.test(value);
}

/** A plain decimal string without trailing zeros, the book's key for one price ("65000.10" → "65000.1"). */
export function canonicalDecimal(value) {
  if (!value.includes('.')) return value.replace(/^0+(?=\d)/, '');
  const trimmed = value.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed.replace(/^0+(?=\d)/, '');
}
