'use strict';
// Streams live trades of one symbol as they are stored:
//   node examples/stream-trades.js [target] [exchange] [symbol] [count]
// Prints one JSON trade per line; stops after `count` trades (default: runs until interrupted).
const { storageClient } = require('../src');

function main([target = 'xds:///data-storage', exchange = 'binance', symbol = 'BTC-USDT', count = '0']) {
  const storage = storageClient(target);
  const wanted = Number(count);
  let seen = 0;
  const stream = storage.FollowEvents({ exchange, symbol, data_types: ['DATA_TYPE_TRADE'] });
  stream.on('data', (response) => {
    for (const event of response.events) {
      if (!event.trade) {
        continue;
      }
      console.log(JSON.stringify(event.trade));
      seen += 1;
      if (wanted > 0 && seen >= wanted) {
        stream.cancel();
        storage.close();
        return;
      }
    }
  });
  stream.on('error', (error) => {
    if (error.code === 1 /* CANCELLED: we stopped it */) {
      return;
    }
    console.error(`stream-trades: gRPC ${error.code} ${error.details}`);
    process.exit(1);
  });
}

main(process.argv.slice(2));
