// The "Authenticate users" guide driven by the official SDK: create a user with local credentials, log in, use the token
// (on this SDK instance and as `sdk.jwt` on another), refresh, check, API key, logout, bad password, token expiry.
// Prints one JSON line per check, then {"check":"done"}.
// Usage: node auth-flow.js <port> <websocket|http> <unique suffix>
'use strict';
const { Kuzzle } = require('kuzzle-sdk');
const { report, protocolFactory } = require('./checks');

const [port, protocolName, suffix] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const newProtocol = protocolFactory(protocolName, port);

async function attempt(check, fn) {
  try {
    report(check, await fn());
  } catch (e) {
    report(check, { error: { id: e.id, status: e.status, message: e.message } });
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const kuzzle = new Kuzzle(newProtocol(), { offlineMode: 'manual' });
  const other = new Kuzzle(newProtocol(), { offlineMode: 'manual' });
  const kuid = `najada-${suffix}`;
  const username = `najada-${suffix}`;
  try {
    await kuzzle.connect();
    await other.connect();

    await attempt('createUser', async () => {
      const user = await kuzzle.security.createUser(kuid, {
        content: { profileIds: ['default'], fullname: 'Najada' },
        credentials: { local: { username, password: 'password' } },
      });
      return { id: user._id, profileIds: user.profileIds };
    });

    await attempt('badPassword', () => kuzzle.auth.login('local', { username, password: 'nope' }));
    await sleep(1100); // Kuzzle's limits.loginsPerSecond: one login per second per socket

    await attempt('login', async () => {
      const jwt = await kuzzle.auth.login('local', { username, password: 'password' }, '1h');
      return { prefix: jwt.slice(0, 6), sdkHoldsIt: kuzzle.jwt === jwt };
    });
    await attempt('isAuthenticated', () => kuzzle.isAuthenticated());
    await attempt('getCurrentUser', async () => {
      const user = await kuzzle.auth.getCurrentUser();
      return { id: user._id, fullname: user.content.fullname };
    });
    await attempt('checkToken', async () => {
      const check = await kuzzle.auth.checkToken();
      return { valid: check.valid, kuid: check.kuid };
    });
    await attempt('getMyRights', async () => (await kuzzle.auth.getMyRights()).length > 0);
    await attempt('credentialsExist', () => kuzzle.auth.credentialsExist('local'));

    // The same token on another SDK instance (the guide's `sdk.jwt = token`).
    other.jwt = kuzzle.jwt;
    await attempt('otherSdkWithToken', async () => (await other.auth.getCurrentUser())._id);

    await attempt('refreshToken', async () => {
      const before = kuzzle.jwt;
      const refreshed = await kuzzle.auth.refreshToken({ expiresIn: '2h' });
      return { changed: refreshed.jwt !== before, ttl: refreshed.ttl, sdkHoldsIt: kuzzle.jwt === refreshed.jwt };
    });

    await attempt('apiKey', async () => {
      const key = await kuzzle.auth.createApiKey('sdk test key');
      other.jwt = key._source.token;
      const me = await other.auth.getCurrentUser();
      await kuzzle.auth.deleteApiKey(key._id);
      let afterDelete = 'accepted';
      try {
        await other.server.now();
      } catch (e) {
        afterDelete = e.id;
      }
      return { prefix: key._source.token.slice(0, 8), user: me._id, afterDelete };
    });

    await attempt('logout', async () => {
      const token = kuzzle.jwt;
      await kuzzle.auth.logout();
      const check = await kuzzle.auth.checkToken(token);
      return { sdkJwt: kuzzle.jwt, oldTokenValid: check.valid };
    });

    if (protocolName !== 'http') {
      await attempt('tokenExpired', async () => {
        await sleep(1100); // one login per second per socket
        const expired = new Promise((resolve) => kuzzle.on('tokenExpired', () => resolve('tokenExpired')));
        await kuzzle.auth.login('local', { username, password: 'password' }, '2s');
        await kuzzle.realtime.subscribe('sdk-auth', `expiry-${suffix}`, {}, () => {});
        return Promise.race([expired, sleep(8000).then(() => 'timeout')]);
      });
    }
  } catch (e) {
    report('fatal', String(e && (e.stack || e.message)));
  } finally {
    kuzzle.disconnect();
    other.disconnect();
    report('done', true);
    setTimeout(() => process.exit(0), 100);
  }
})();
