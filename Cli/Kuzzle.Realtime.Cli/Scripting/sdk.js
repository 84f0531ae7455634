// The `sdk` object of `kourou sdk:execute`: kuzzle-sdk 7's call shapes over the tool's connection.
// Host functions (__host*) are provided by SdkScriptHost; everything here is plain JavaScript run by Jint.
'use strict';

class KuzzleError extends Error {
  constructor(error) {
    super(error.message);
    this.name = 'KuzzleError';
    this.status = error.status;
    this.id = error.id;
    this.code = error.code;
    if (error.props !== undefined) {
      this.props = error.props;
    }
  }
}

// SDK-side options that are not API arguments.
const __sdkOnlyOptions = new Set(['queuable', 'timeout', 'triggerEvents', 'verb']);

function __request(controller, action, args, options) {
  const request = { controller, action };
  for (const [key, value] of Object.entries(args || {})) {
    if (value !== undefined) {
      request[key] = value;
    }
  }
  for (const [key, value] of Object.entries(options || {})) {
    if (value !== undefined && !__sdkOnlyOptions.has(key) && !(key in request)) {
      request[key] = value;
    }
  }
  return request;
}

async function __send(request) {
  const answer = JSON.parse(await __hostQuery(JSON.stringify(request)));
  if (answer.error) {
    throw new KuzzleError(answer.error);
  }
  return answer.response;
}

async function __result(controller, action, args, options) {
  return (await __send(__request(controller, action, args, options))).result;
}

const __user = (hit) => hit && ({ _id: hit._id, content: hit._source || {} });
const __profile = (hit) => hit && Object.assign({ _id: hit._id }, hit._source || {});
const __role = (hit) => hit && ({ _id: hit._id, controllers: (hit._source || {}).controllers });

// A page of search results with kuzzle-sdk's next(): the scroll action when a scroll was asked, else from/size paging.
function __searchResult(controller, action, scrollAction, body, options, result, map, fetchedBefore) {
  const hits = (result.hits || []).map(map);
  const fetched = (fetchedBefore || 0) + hits.length;
  const page = {
    hits,
    total: result.total,
    fetched,
    scrollId: result.scrollId,
    aggregations: result.aggregations,
    async next() {
      if (hits.length === 0 || fetched >= result.total) {
        return null;
      }
      const nextResult = result.scrollId && scrollAction
        ? await __result(controller, scrollAction, { scrollId: result.scrollId, scroll: options.scroll })
        : await __result(controller, action, { body }, Object.assign({}, options, { from: (options.from || 0) + fetched }));
      return __searchResult(controller, action, scrollAction, body, options, nextResult, map, fetched);
    },
  };
  Object.defineProperty(page, 'next', { enumerable: false });
  return page;
}

async function __search(controller, action, scrollAction, body, options, map) {
  options = options || {};
  const result = await __result(controller, action, { body: body || {} }, options);
  return __searchResult(controller, action, scrollAction, body || {}, options, result, map, 0);
}

// Realtime: callbacks by room id, fed by one pump that waits for the host's notifications.
const __callbacks = new Map();
const __keysByRoom = new Map();
let __nextKey = 0;
let __pump = null;

function __startPump() {
  if (__pump !== null) {
    return;
  }
  __pump = (async () => {
    for (;;) {
      const next = await __hostNextNotification();
      if (next === null) {
        return;
      }
      const { key, notification } = JSON.parse(next);
      const callback = __callbacks.get(key);
      if (callback) {
        try {
          await callback(notification);
        } catch (error) {
          __hostPrintError('Error in notification callback: ' + String(error));
        }
      }
    }
  })();
}

const __auth = {
  async checkToken(token) { return __result('auth', 'checkToken', { body: { token } }); },
  async checkRights(requestPayload) { return (await __result('auth', 'checkRights', { body: requestPayload })).allowed; },
  async createApiKey(description, options) { return __result('auth', 'createApiKey', { body: { description } }, options); },
  async createMyCredentials(strategy, credentials, options) { return __result('auth', 'createMyCredentials', { strategy, body: credentials }, options); },
  async credentialsExist(strategy, options) { return __result('auth', 'credentialsExist', { strategy }, options); },
  async deleteApiKey(id, options) { await __result('auth', 'deleteApiKey', { _id: id }, options); return null; },
  async deleteMyCredentials(strategy, options) { return (await __result('auth', 'deleteMyCredentials', { strategy }, options)).acknowledged; },
  async getCurrentUser(options) { return __user(await __result('auth', 'getCurrentUser', {}, options)); },
  async getMyCredentials(strategy, options) { return __result('auth', 'getMyCredentials', { strategy }, options); },
  async getMyRights(options) { return (await __result('auth', 'getMyRights', {}, options)).hits; },
  async getStrategies(options) { return __result('auth', 'getStrategies', {}, options); },
  async login(strategy, credentials, expiresIn) {
    const result = await __result('auth', 'login', { strategy, expiresIn, body: credentials || {} });
    __hostSetJwt(result.jwt);
    return result.jwt;
  },
  async logout() { await __result('auth', 'logout', {}); __hostSetJwt(null); },
  async refreshToken(options) {
    const result = await __result('auth', 'refreshToken', {}, options);
    __hostSetJwt(result.jwt);
    return result;
  },
  async searchApiKeys(query, options) { return __result('auth', 'searchApiKeys', { body: query || {} }, options); },
  async updateMyCredentials(strategy, credentials, options) { return __result('auth', 'updateMyCredentials', { strategy, body: credentials }, options); },
  async updateSelf(content, options) { return __user(await __result('auth', 'updateSelf', { body: content }, options)); },
  async validateMyCredentials(strategy, credentials, options) { return __result('auth', 'validateMyCredentials', { strategy, body: credentials }, options); },
};

const __security = {
  async createApiKey(userId, description, options) { return __result('security', 'createApiKey', { userId, body: { description } }, options); },
  async deleteApiKey(userId, id, options) { await __result('security', 'deleteApiKey', { userId, _id: id }, options); return null; },
  async searchApiKeys(userId, query, options) { return __result('security', 'searchApiKeys', { userId, body: query || {} }, options); },
  async createCredentials(strategy, _id, body, options) { return __result('security', 'createCredentials', { strategy, _id, body }, options); },
  async deleteCredentials(strategy, _id, options) { return (await __result('security', 'deleteCredentials', { strategy, _id }, options)).acknowledged; },
  async getAllCredentialFields(options) { return __result('security', 'getAllCredentialFields', {}, options); },
  async getCredentialFields(strategy, options) { return __result('security', 'getCredentialFields', { strategy }, options); },
  async getCredentials(strategy, _id, options) { return __result('security', 'getCredentials', { strategy, _id }, options); },
  async getCredentialsById(strategy, _id, options) { return __result('security', 'getCredentialsById', { strategy, _id }, options); },
  async hasCredentials(strategy, _id, options) { return __result('security', 'hasCredentials', { strategy, _id }, options); },
  async updateCredentials(strategy, _id, body, options) { return __result('security', 'updateCredentials', { strategy, _id, body }, options); },
  async validateCredentials(strategy, _id, body, options) { return __result('security', 'validateCredentials', { strategy, _id, body }, options); },
  async createFirstAdmin(_id, body, options) { return __user(await __result('security', 'createFirstAdmin', { _id, body }, options)); },
  async createUser(_id, body, options) { return __user(await __result('security', 'createUser', { _id, body }, options)); },
  async createRestrictedUser(body, options) { return __user(await __result('security', 'createRestrictedUser', { body }, options)); },
  async replaceUser(_id, content, options) { return __user(await __result('security', 'replaceUser', { _id, body: content }, options)); },
  async updateUser(_id, content, options) { return __user(await __result('security', 'updateUser', { _id, body: content }, options)); },
  async getUser(_id, options) { return __user(await __result('security', 'getUser', { _id }, options)); },
  async deleteUser(_id, options) { return (await __result('security', 'deleteUser', { _id }, options))._id; },
  async mGetUsers(ids, options) { return (await __result('security', 'mGetUsers', { body: { ids } }, options)).hits.map(__user); },
  async mDeleteUsers(ids, options) { return __result('security', 'mDeleteUsers', { body: { ids } }, options); },
  async searchUsers(query, options) { return __search('security', 'searchUsers', 'scrollUsers', query, options, __user); },
  async getUserRights(_id, options) { return (await __result('security', 'getUserRights', { _id }, options)).hits; },
  async getUserStrategies(_id, options) { return (await __result('security', 'getUserStrategies', { _id }, options)).strategies; },
  async revokeTokens(_id, options) { return __result('security', 'revokeTokens', { _id }, options); },
  async createProfile(_id, body, options) { return __profile(await __result('security', 'createProfile', { _id, body }, options)); },
  async createOrReplaceProfile(_id, body, options) { return __profile(await __result('security', 'createOrReplaceProfile', { _id, body }, options)); },
  async updateProfile(_id, body, options) { return __profile(await __result('security', 'updateProfile', { _id, body }, options)); },
  async getProfile(_id, options) { return __profile(await __result('security', 'getProfile', { _id }, options)); },
  async deleteProfile(_id, options) { return __result('security', 'deleteProfile', { _id }, options); },
  async mGetProfiles(ids, options) { return (await __result('security', 'mGetProfiles', { body: { ids } }, options)).hits.map(__profile); },
  async searchProfiles(body, options) { return __search('security', 'searchProfiles', 'scrollProfiles', body, options, __profile); },
  async getProfileRights(_id, options) { return (await __result('security', 'getProfileRights', { _id }, options)).hits; },
  async createRole(_id, body, options) { return __role(await __result('security', 'createRole', { _id, body }, options)); },
  async createOrReplaceRole(_id, body, options) { return __role(await __result('security', 'createOrReplaceRole', { _id, body }, options)); },
  async updateRole(_id, body, options) { return __role(await __result('security', 'updateRole', { _id, body }, options)); },
  async getRole(_id, options) { return __role(await __result('security', 'getRole', { _id }, options)); },
  async deleteRole(_id, options) { return __result('security', 'deleteRole', { _id }, options); },
  async mGetRoles(ids, options) { return (await __result('security', 'mGetRoles', { body: { ids } }, options)).hits.map(__role); },
  async searchRoles(body, options) { return __search('security', 'searchRoles', null, body, options, __role); },
};

const __realtime = {
  async subscribe(index, collection, filters, callback, options) {
    if (typeof callback !== 'function') {
      throw new TypeError('realtime.subscribe: a callback function is required');
    }
    const request = __request('realtime', 'subscribe', { index, collection, body: filters || {} }, options);
    // The callback is known before the subscription exists, so the first notification cannot find it missing.
    const key = String(__nextKey++);
    __callbacks.set(key, callback);
    __startPump();
    const answer = JSON.parse(await __hostSubscribe(JSON.stringify(request), key));
    if (answer.error) {
      __callbacks.delete(key);
      throw new KuzzleError(answer.error);
    }
    __keysByRoom.set(answer.roomId, key);
    return answer.roomId;
  },
  async unsubscribe(roomId) {
    __callbacks.delete(__keysByRoom.get(roomId));
    __keysByRoom.delete(roomId);
    const answer = JSON.parse(await __hostUnsubscribe(roomId));
    if (answer.error) {
      throw new KuzzleError(answer.error);
    }
  },
  async publish(index, collection, message, options) { return (await __result('realtime', 'publish', { index, collection, body: message }, options)).published; },
  async count(roomId, options) { return (await __result('realtime', 'count', { body: { roomId } }, options)).count; },
  async list(options) { return __result('realtime', 'list', {}, options); },
};

const __server = {
  async adminExists(options) { return (await __result('server', 'adminExists', {}, options)).exists; },
  async capabilities(options) { return __result('server', 'capabilities', {}, options); },
  async getAllStats(options) { return __result('server', 'getAllStats', {}, options); },
  async getConfig(options) { return __result('server', 'getConfig', {}, options); },
  async getLastStats(options) { return __result('server', 'getLastStats', {}, options); },
  async getStats(startTime, stopTime, options) { return __result('server', 'getStats', { startTime, stopTime }, options); },
  async healthCheck(options) { return __result('server', 'healthCheck', {}, options); },
  async info(options) { return __result('server', 'info', {}, options); },
  async now(options) { return (await __result('server', 'now', {}, options)).now; },
  async publicApi(options) { return __result('server', 'publicApi', {}, options); },
};

const sdk = {
  get jwt() { return __hostGetJwt(); },
  set jwt(token) { __hostSetJwt(token === undefined ? null : token); },
  async query(request, options) { return __send(__request(request.controller, request.action, request, options)); },
  auth: __auth,
  security: __security,
  realtime: __realtime,
  server: __server,
};

function __format(value) {
  if (typeof value === 'string') {
    return value;
  }
  if (value === undefined) {
    return 'undefined';
  }
  if (value instanceof Error) {
    return value.stack || String(value);
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return String(value);
  }
  const json = JSON.stringify(value, null, 2);
  return json === undefined ? String(value) : json;
}

const console = {
  log: (...args) => __hostPrint(args.map(__format).join(' ')),
  info: (...args) => __hostPrint(args.map(__format).join(' ')),
  debug: (...args) => __hostPrint(args.map(__format).join(' ')),
  error: (...args) => __hostPrintError(args.map(__format).join(' ')),
  warn: (...args) => __hostPrintError(args.map(__format).join(' ')),
};
