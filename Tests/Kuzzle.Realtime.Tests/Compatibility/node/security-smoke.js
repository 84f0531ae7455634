// Drives the security controller with the official SDK and prints one JSON line per check, then {"done":true}.
// Usage: node security-smoke.js <port> <websocket|http> <unique suffix>
'use strict';
const { Kuzzle } = require('kuzzle-sdk');
const { report, protocolFactory } = require('./checks');

const [port, protocolName, suffix] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const protocol = protocolFactory(protocolName, port)();

async function all(result) {
  const ids = [];
  while (result) {
    ids.push(...result.hits.map((h) => h._id));
    result = await result.next();
  }
  return ids;
}

(async () => {
  const kuzzle = new Kuzzle(protocol, { offlineMode: 'manual' });
  try {
    await kuzzle.connect();
    const role = await kuzzle.security.createRole(`role-${suffix}`, { controllers: { realtime: { actions: { '*': true } } } }, { force: false });
    report('role.controllers', role.controllers);
    const profile = await kuzzle.security.createProfile(`profile-${suffix}`, { policies: [{ roleId: `role-${suffix}` }], rateLimit: 4 });
    report('profile.policies', profile.policies);
    for (const n of [1, 2, 3]) {
      await kuzzle.security.createUser(`user${n}-${suffix}`, {
        content: { profileIds: [`profile-${suffix}`], n },
        credentials: { local: { username: `name${n}-${suffix}`, password: 'Secret-pass-123' } },
      });
    }
    const user = await kuzzle.security.getUser(`user1-${suffix}`);
    report('user.profileIds', user.profileIds);
    report('user.content.n', user.content.n);
    const query = { query: { term: { profileIds: `profile-${suffix}` } }, sort: [{ _id: 'asc' }] };
    report('searchUsers.paged', await all(await kuzzle.security.searchUsers(query, { size: 2 })));
    report('searchUsers.scrolled', await all(await kuzzle.security.searchUsers({ query: query.query }, { size: 1, scroll: '10s' })));
    report('searchProfiles', await all(await kuzzle.security.searchProfiles({ roles: [`role-${suffix}`] }, { size: 1, scroll: '10s' })));
    const rights = await kuzzle.security.getUserRights(`user1-${suffix}`);
    report('rights', rights);
    report('credentials', await kuzzle.security.getCredentials('local', `user2-${suffix}`));
    const deleted = await kuzzle.security.deleteUser(`user3-${suffix}`);
    report('deleted', deleted);
    try {
      await kuzzle.security.createRole(`bad-${suffix}`, { controllers: { ghost: { actions: { x: true } } } });
      report('badRole', null);
    } catch (e) {
      report('badRole', { id: e.id, status: e.status });
    }
  } catch (e) {
    report('fatal', String(e && (e.stack || e.message)));
  } finally {
    kuzzle.disconnect();
    report('done', true);
    setTimeout(() => process.exit(0), 100);
  }
})();
