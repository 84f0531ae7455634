// What every compatibility script shares: the SDK protocol of a run, and the output NodeScript.RunChecksAsync reads (one
// JSON line per check).
'use strict';
const { WebSocket, Http } = require('kuzzle-sdk');

function report(check, value) {
  process.stdout.write(JSON.stringify({ check, value }) + '\n');
}

// A fresh protocol instance (one per SDK instance) on loopback: HTTP for 'http', WebSocket otherwise.
function protocolFactory(protocolName, port) {
  return () => protocolName === 'http'
    ? new Http('127.0.0.1', { port })
    : new WebSocket('127.0.0.1', { port });
}

module.exports = { report, protocolFactory };
