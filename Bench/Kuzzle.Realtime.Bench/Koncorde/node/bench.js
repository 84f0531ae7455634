'use strict';
// Reference side of the Koncorde benchmark: reads the shapes (filters + one document each) written by the
// C# bench, measures indexation, matching throughput and removal, prints one JSON result.
const fs = require('fs');
const v8 = require('v8');
const { Koncorde } = require('koncorde');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const seconds = input.seconds;

function heapUsed() {
  if (global.gc) {
    global.gc();
  }
  return v8.getHeapStatistics().used_heap_size;
}

function measureMatching(koncorde, document) {
  // Warm up (time-based, as on the C# side), then count calls in batches until the time budget is spent.
  const warmupEnd = process.hrtime.bigint() + BigInt(Math.round(Math.min(1, seconds) * 1e9));
  while (process.hrtime.bigint() < warmupEnd) {
    for (let i = 0; i < 100; i++) {
      koncorde.test(document);
    }
  }
  // Best of 0.2 s windows, as on the C# side.
  let matches = 0;
  let ops = 0;
  let best = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    const windowStart = process.hrtime.bigint();
    let windowOps = 0;
    let elapsed = 0n;
    while (elapsed < 200000000n) {
      for (let i = 0; i < 200; i++) {
        matches += koncorde.test(document).length;
      }
      windowOps += 200;
      elapsed = process.hrtime.bigint() - windowStart;
    }
    best = Math.max(best, windowOps / (Number(elapsed) / 1e9));
    ops += windowOps;
  }
  // Process CPU time, as on the C# side: time spent waiting for a core on a shared machine is not counted.
  const cpu = process.cpuUsage(cpuBefore);
  const opsPerCpuSecond = ops / ((cpu.user + cpu.system) / 1e6);
  return { opsPerSecond: best, opsPerCpuSecond, matchesPerCall: matches / ops };
}

const results = [];
for (const shape of input.shapes) {
  const koncorde = new Koncorde();
  const baseHeap = heapUsed();
  const started = process.hrtime.bigint();
  const ids = shape.filters.map(filter => koncorde.register(filter));
  const indexSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const heapBytes = heapUsed() - baseHeap;
  const matching = measureMatching(koncorde, shape.document);
  const removalStart = process.hrtime.bigint();
  for (const id of ids) {
    koncorde.remove(id);
  }
  const removalSeconds = Number(process.hrtime.bigint() - removalStart) / 1e9;
  results.push({
    name: shape.name,
    indexSeconds,
    bytesPerFilter: heapBytes / shape.filters.length,
    opsPerSecond: matching.opsPerSecond,
    opsPerCpuSecond: matching.opsPerCpuSecond,
    matchesPerCall: matching.matchesPerCall,
    removalSeconds,
  });
}

process.stdout.write(JSON.stringify({ node: process.version, results }) + '\n');
