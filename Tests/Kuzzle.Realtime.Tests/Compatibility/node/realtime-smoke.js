// Two SDK clients: one subscribes with a filter, the other publishes; prints one JSON line per check, then {"done":true}.
// Usage: node realtime-smoke.js <port> <index>
'use strict';
const { Kuzzle, WebSocket } = require('kuzzle-sdk');
const { report } = require('./checks');

const [port, index] = [Number(process.argv[2]), process.argv[3]];

function waitFor(predicate, ms) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (predicate()) { clearInterval(timer); resolve(); }
      else if (Date.now() - started > ms) { clearInterval(timer); reject(new Error('timeout')); }
    }, 10);
  });
}

(async () => {
  const subscriber = new Kuzzle(new WebSocket('127.0.0.1', { port }));
  const publisher = new Kuzzle(new WebSocket('127.0.0.1', { port }));
  try {
    await subscriber.connect();
    await publisher.connect();
    const received = [];
    const users = [];
    const roomId = await subscriber.realtime.subscribe(index, 'cars', { range: { speed: { gt: 100 } } },
      (n) => (n.type === 'user' ? users.push(n) : received.push(n)), { users: 'all' });
    report('roomId', roomId);

    // A self-published message is filtered out by the SDK when subscribeToSelf is false (it reads volatile.sdkInstanceId).
    const quiet = [];
    await subscriber.realtime.subscribe(index, 'cars', {}, (n) => quiet.push(n), { subscribeToSelf: false });

    await publisher.realtime.publish(index, 'cars', { model: 'slow', speed: 50 });
    await publisher.realtime.publish(index, 'cars', { model: 'fast', speed: 250 }, { _id: 'car-1' });
    await subscriber.realtime.publish(index, 'cars', { model: 'self', speed: 300 });
    await waitFor(() => received.length >= 2, 5000);
    report('received', received.map((n) => ({ action: n.action, scope: n.scope, id: n.result._id, model: n.result._source.model })));

    await waitFor(() => quiet.length >= 2, 5000);
    await new Promise((r) => setTimeout(r, 200));
    report('quiet', quiet.map((n) => n.result._source.model));

    const count = await publisher.realtime.count(roomId);
    report('count', count);

    // A second subscriber to the same filter joins the room: the first one sees a user notification.
    const third = new Kuzzle(new WebSocket('127.0.0.1', { port }));
    await third.connect();
    await third.realtime.subscribe(index, 'cars', { range: { speed: { gt: 100 } } }, () => {});
    await waitFor(() => users.length >= 1, 5000);
    report('userIn', { user: users[0].user, count: users[0].result.count });
    third.disconnect();
    await waitFor(() => users.length >= 2, 5000);
    report('userOut', { user: users[1].user, count: users[1].result.count });

    await subscriber.realtime.unsubscribe(roomId);
    report('countAfterUnsubscribe', await publisher.realtime.count(roomId));
  } catch (e) {
    report('fatal', String(e && (e.stack || e.message)));
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
    report('done', true);
    setTimeout(() => process.exit(0), 100);
  }
})();
