'use strict';
// Puts a config value and watches it come back:
//   node examples/config-put-watch.js [target] environment namespace key value
// Starts a Watch on the key, puts the value, prints the watched PUT event as JSON and exits.
const { configClient, call } = require('../src');

async function main([target = 'xds:///config-center', environment = 'dev', namespace = 'examples', key = 'greeting',
  value = 'hello']) {
  const config = configClient(target);
  const watched = new Promise((resolve, reject) => {
    const stream = config.Watch({ environment, namespace, key_prefix: key });
    stream.on('data', (response) => {
      const event = response.events.find((e) => e.type === 'EVENT_TYPE_PUT' && e.entry.key === key
        && e.entry.value === value);
      if (event) {
        stream.cancel();
        resolve(event);
      }
    });
    stream.on('error', (error) => (error.code === 1 ? undefined : reject(error)));
  });
  try {
    const put = await call(config, 'Put', { environment, namespace, key, value });
    console.log(JSON.stringify({ put: { version: put.version } }));
    const event = await watched;
    console.log(JSON.stringify({ watched: event }));
  } finally {
    config.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`config-put-watch: ${error.code !== undefined ? `gRPC ${error.code} ` : ''}${error.details || error.message}`);
  process.exit(error.code === 12 ? 12 : 1); // 12: UNIMPLEMENTED, a config center that does not serve it yet
});
