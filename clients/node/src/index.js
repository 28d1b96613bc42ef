'use strict';
// MarketPrism's gRPC services from Node.js. The contracts are read from proto/ at run time (no generated code to
// keep in step); a target is either `xds:///<service>` — the mesh: endpoints, policy and mTLS from the control
// plane, per the xDS bootstrap in GRPC_XDS_BOOTSTRAP — or `host:port` with plaintext or TLS credentials. ./rest is the
// gateway's REST door for programs outside the mesh.
const path = require('node:path');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const rest = require('./rest');

const REPOSITORY = path.resolve(__dirname, '..', '..', '..');
const PROTO_ROOT = path.join(REPOSITORY, 'proto', 'src', 'main', 'proto');
// google/api/annotations.proto and friends, which the contracts import for their REST mappings
const GOOGLE_PROTOS = path.dirname(require.resolve('google-proto-files/package.json'));

const SERVICES = {
  storage: { file: 'marketprism/storage/v1/storage_service.proto', name: 'marketprism.storage.v1.StorageService' },
  config: { file: 'marketprism/config/v1/config_service.proto', name: 'marketprism.config.v1.ConfigService' },
};

let xdsRegistered = false;

function loadService(kind) {
  const service = SERVICES[kind];
  const definition = protoLoader.loadSync(service.file, {
    includeDirs: [PROTO_ROOT, GOOGLE_PROTOS],
    // the proto field names, as the gateway's REST answers and Python prints them
    keepCase: true,
    // int64 nanosecond timestamps must not lose digits to a JS number
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return service.name.split('.').reduce((node, part) => node[part], grpc.loadPackageDefinition(definition));
}

/**
 * Channel credentials for a target. For `xds:///...` the control plane decides (mTLS through the bootstrap's
 * file_watcher certificates); `fallback` is used only where it sends no security. Otherwise: `tls` = {ca, cert, key}
 * PEM file paths for mTLS to one address, or plaintext when absent.
 */
function credentialsFor(target, tls) {
  if (target.startsWith('xds:')) {
    if (!xdsRegistered) {
      require('@grpc/grpc-js-xds').register();
      xdsRegistered = true;
    }
    const { XdsChannelCredentials } = require('@grpc/grpc-js-xds');
    return new XdsChannelCredentials(grpc.credentials.createInsecure());
  }
  if (tls) {
    return grpc.credentials.createSsl(fs.readFileSync(tls.ca), fs.readFileSync(tls.key), fs.readFileSync(tls.cert));
  }
  return grpc.credentials.createInsecure();
}

/** A StorageService client: `storageClient('xds:///data-storage')` joins the mesh. */
function storageClient(target, tls) {
  const Client = loadService('storage');
  return new Client(target, credentialsFor(target, tls));
}

/** A ConfigService client: `configClient('xds:///config-center')`. */
function configClient(target, tls) {
  const Client = loadService('config');
  return new Client(target, credentialsFor(target, tls));
}

/** A unary call as a promise, with a deadline (ms; generous: the first call of a channel waits for xDS too). */
function call(client, method, request, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

module.exports = { storageClient, configClient, call, rest, PROTO_ROOT, GOOGLE_PROTOS };
