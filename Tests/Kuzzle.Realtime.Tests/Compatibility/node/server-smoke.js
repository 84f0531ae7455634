// Drives a running server with the official SDK and prints one JSON line per check, then {"done":true}.
// Usage: node server-smoke.js <port> <websocket|http>
'use strict';
const { Kuzzle } = require('kuzzle-sdk');
const { report, protocolFactory } = require('./checks');

const [port, protocolName] = [Number(process.argv[2]), process.argv[3]];
const protocol = protocolFactory(protocolName, port)();

(async () => {
  const kuzzle = new Kuzzle(protocol, { offlineMode: 'manual' });
  kuzzle.on('networkError', (e) => report('networkError', String(e && e.message)));
  try {
    await kuzzle.connect();
    const now = await kuzzle.server.now();
    report('now', now);
    const info = await kuzzle.server.info();
    report('info.version', info.serverInfo.kuzzle.version);
    const adminExists = await kuzzle.server.adminExists();
    report('adminExists', adminExists);
    try {
      await kuzzle.query({ controller: 'server', action: 'doesNotExist' });
      report('unknownAction', null);
    } catch (e) {
      report('unknownAction', { id: e.id, status: e.status, message: e.message });
    }
    try {
      await kuzzle.query({ controller: 'nope', action: 'x' });
      report('unknownController', null);
    } catch (e) {
      report('unknownController', { id: e.id, status: e.status });
    }
  } catch (e) {
    report('fatal', String(e && (e.stack || e.message)));
  } finally {
    kuzzle.disconnect();
    report('done', true);
    setTimeout(() => process.exit(0), 100);
  }
})();
