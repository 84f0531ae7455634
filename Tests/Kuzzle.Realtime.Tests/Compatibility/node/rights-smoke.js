// Rights as a client meets them, with the official SDK: an administrator creates a role, a profile and a user; the user logs in on
// another SDK instance and is allowed or refused exactly as the role says. Prints one JSON line per check, then {"check":"done"}.
// Usage: node rights-smoke.js <port> <websocket|http> <unique suffix>
'use strict';
const { Kuzzle } = require('kuzzle-sdk');
const { report, protocolFactory } = require('./checks');

const [port, protocolName, suffix] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const newProtocol = protocolFactory(protocolName, port);

async function outcome(fn) {
  try {
    await fn();
    return 'allowed';
  } catch (e) {
    return { id: e.id, status: e.status };
  }
}

(async () => {
  const admin = new Kuzzle(newProtocol(), { offlineMode: 'manual' });
  const user = new Kuzzle(newProtocol(), { offlineMode: 'manual' });
  try {
    await admin.connect();
    await user.connect();
    await admin.security.createRole(`clock-${suffix}`, {
      controllers: {
        auth: { actions: { login: true, getCurrentUser: true, checkToken: true, logout: true } },
        server: { actions: { now: true } },
        realtime: { actions: { subscribe: true } },
      },
    });
    await admin.security.createProfile(`clock-${suffix}`, {
      policies: [{ roleId: `clock-${suffix}`, restrictedTo: [{ index: `allowed-${suffix}` }] }],
    });
    await admin.security.createUser(`clock-${suffix}`, {
      content: { profileIds: [`clock-${suffix}`] },
      credentials: { local: { username: `clock-${suffix}`, password: 'a long password' } },
    });

    await user.auth.login('local', { username: `clock-${suffix}`, password: 'a long password' });
    report('now', await outcome(() => user.server.now()));
    report('info', await outcome(() => user.server.info()));
    report('createRole', await outcome(() => user.security.createRole(`x-${suffix}`, { controllers: { '*': { actions: { '*': true } } } })));
    if (protocolName !== 'http') {
      report('subscribeAllowedIndex', await outcome(() => user.realtime.subscribe(`allowed-${suffix}`, 'c', {}, () => {})));
      report('subscribeOtherIndex', await outcome(() => user.realtime.subscribe(`other-${suffix}`, 'c', {}, () => {})));
    }

    // A role change applies to the next request.
    await admin.security.updateRole(`clock-${suffix}`, {
      controllers: { auth: { actions: { login: true, getCurrentUser: true, logout: true } }, server: { actions: { info: true } } },
    });
    report('nowAfterChange', await outcome(() => user.server.now()));
    report('infoAfterChange', await outcome(() => user.server.info()));

    await user.auth.logout();
    report('anonymousInfo', await outcome(() => user.server.info()));
  } catch (e) {
    report('fatal', String(e && (e.stack || e.message)));
  } finally {
    admin.disconnect();
    user.disconnect();
    report('done', true);
    setTimeout(() => process.exit(0), 100);
  }
})();
