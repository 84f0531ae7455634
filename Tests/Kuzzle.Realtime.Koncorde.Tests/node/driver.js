'use strict';
// Line-oriented bridge to the reference Koncorde engine for the differential tests.
// Each input line is one JSON request; each gets exactly one JSON response line, in order.
const readline = require('readline');
const { Koncorde } = require('koncorde');

const SEED = Buffer.from('^m&mOISKBvb1xpl1mRsrylaQXpjb&IJX');
let koncorde = new Koncorde({ seed: SEED, maxConditions: 100 });

// Keys sorted at every level, like the engine's own hashing input: lets the C# side compare subfilters.
function stable(value) {
  if (Array.isArray(value)) {
    return `[${value.map(stable).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter(k => value[k] !== undefined).sort();
    return `{${keys.map(k => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function handle(request) {
  switch (request.op) {
    case 'reset':
      koncorde = new Koncorde({ seed: SEED, maxConditions: request.maxConditions || 100 });
      return {};
    case 'normalize': {
      const normalized = koncorde.normalize(request.filter, request.index);
      return { id: normalized.id, subfilters: normalized.filter.map(stable) };
    }
    case 'register': {
      const normalized = koncorde.normalize(request.filter, request.index);
      koncorde.store(normalized);
      return { id: normalized.id, subfilters: normalized.filter.map(stable) };
    }
    case 'remove':
      koncorde.remove(request.id, request.index);
      return {};
    case 'test': {
      const data = request.docId === undefined ? request.doc : Object.assign({}, request.doc, { _id: request.docId });
      return { ids: koncorde.test(data, request.index).sort() };
    }
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = [];
let scheduled = false;
function flush() {
  scheduled = false;
  if (out.length > 0) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
}

rl.on('line', line => {
  if (line.length === 0) {
    return;
  }
  let response;
  try {
    response = handle(JSON.parse(line));
  }
  catch (error) {
    response = { error: String(error && error.message !== undefined ? error.message : error) };
  }
  out.push(JSON.stringify(response));
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});
rl.on('close', flush);
