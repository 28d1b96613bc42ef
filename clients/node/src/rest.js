'use strict';
// The gateway's REST/JSON door (services/api-gateway), for programs outside the mesh: the same contracts mapped by
// their google.api.http options, answered as proto3 JSON with the proto field names (exchange_time_ns, ...).
// Credentials: MARKETPRISM_TOKEN, a JWT (`./marketprism token --role reader`) or an API key; the gateway takes both as a
// bearer token.

/** True when `target` names the gateway (http:// or https://) rather than a gRPC target. */
function isGateway(target) {
  return /^https?:\/\//.test(target);
}

function authorization(env = process.env) {
  return env.MARKETPRISM_TOKEN ? { authorization: `Bearer ${env.MARKETPRISM_TOKEN}` } : {};
}

/** GET `path` (with `query`) from the gateway at `baseUrl`; rejects with the google.rpc.Status it answers. */
async function get(baseUrl, path, query = {}, timeoutMs = 30000) {
  const url = new URL(path, baseUrl);
  Object.entries(query).forEach(([name, value]) => url.searchParams.set(name, String(value)));
  const response = await fetch(url, { headers: authorization(), signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status} ${body.message || response.statusText}`);
    error.status = body;
    throw error;
  }
  return body;
}

/** StorageService/ListTrades over REST: `{trades, next_page_token}`. */
function listTrades(baseUrl, exchange, symbol, limit) {
  return get(baseUrl, `/v1/trades/${encodeURIComponent(exchange)}/${encodeURIComponent(symbol)}`, { limit });
}

module.exports = { isGateway, get, listTrades };
