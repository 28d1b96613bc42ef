'use strict';
// Lists the most recent trades of one symbol: node examples/list-trades.js [target] [exchange] [symbol] [limit]
// target: the mesh, xds:///data-storage (the default; GRPC_XDS_BOOTSTRAP names the control plane's plaintext ADS
// port), or the gateway's REST door, http://127.0.0.1:8080 (MARKETPRISM_TOKEN: a token or API key).
// Prints one JSON trade per line (proto field names), oldest first.
const { storageClient, call, rest } = require('../src');

async function listTrades(target, exchange, symbol, limit) {
  if (rest.isGateway(target)) {
    return rest.listTrades(target, exchange, symbol, limit);
  }
  const storage = storageClient(target);
  try {
    return await call(storage, 'ListTrades', { exchange, symbol, limit });
  } finally {
    storage.close();
  }
}

async function main([target = 'xds:///data-storage', exchange = 'binance', symbol = 'BTC-USDT', limit = '10']) {
  const page = await listTrades(target, exchange, symbol, Number(limit));
  for (const trade of page.trades) {
    console.log(JSON.stringify(trade));
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`list-trades: ${error.code !== undefined ? `gRPC ${error.code} ` : ''}${error.details || error.message}`);
  process.exit(1);
});
