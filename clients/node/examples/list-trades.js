'use strict';
// Lists the most recent trades of one symbol: node examples/list-trades.js [target] [exchange] [symbol] [limit]
// target defaults to the mesh, xds:///data-storage (GRPC_XDS_BOOTSTRAP names the control plane's plaintext ADS port).
// Prints one JSON trade per line, oldest first.
const { storageClient, call } = require('../src');

async function main([target = 'xds:///data-storage', exchange = 'binance', symbol = 'BTC-USDT', limit = '10']) {
  const storage = storageClient(target);
  try {
    const page = await call(storage, 'ListTrades', { exchange, symbol, limit: Number(limit) });
    for (const trade of page.trades) {
      console.log(JSON.stringify(trade));
    }
  } finally {
    storage.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`list-trades: ${error.code !== undefined ? `gRPC ${error.code} ` : ''}${error.details || error.message}`);
  process.exit(1);
});
