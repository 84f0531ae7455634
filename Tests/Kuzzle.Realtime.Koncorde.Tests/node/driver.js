'use strict';
// Line-oriented bridge to the reference Koncorde engine for the differential tests.
// Each input line is one JSON request; each gets exactly one JSON response line, in order.
const readline = require('readline');
const { Koncorde } = require('koncorde');

const SEED = Buffer.from('^m&mOISKBvb1xpl1mRsrylaQXpjb&IJX');
let koncorde = new Koncorde({ seed: SEED, maxConditions: 100 });

function handle(request) {
  switch (request.op) {
    case 'reset':
      koncorde = new Koncorde({ seed: SEED, maxConditions: request.maxConditions || 100 });
      return {};
    case 'normalize': {
      const normalized = koncorde.normalize(request.filter, request.index);
      return { id: normalized.id, filter: normalized.filter };
    }
    case 'register':
      return { id: koncorde.register(request.filter, request.index) };
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
