// `npm run bench runtime`: the cancel-safe runtime against the libraries users would otherwise
// pick, same workload, same process, contenders interleaved round by round so that drift in the
// machine's speed (two cores shared with other work) hits every contender alike. Prints medians
// and ratios; the README's runtime section quotes them. Run by bench/run.mjs with --expose-gc.
//
// `node bench/runtime.bench.mjs channel semaphore ...` runs only the named groups; `--json` prints
// the ratios as one JSON line at the end (bench/runtime-check.mjs uses that).
import { performance } from 'node:perf_hooks';
import { Repeater, FixedBuffer } from '@repeaterjs/repeater';
import { pushable } from 'it-pushable';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import pTimeout from 'p-timeout';
import asyncSema from 'async-sema';
import { CancellationToken, Channel, mapConcurrent, select, Semaphore, timeout } from '../runtime/dist/esm/index.js';

const { Sema } = asyncSema;
const args = process.argv.slice(2);
const json = args.includes('--json');
// `--only=<contender>` runs that one contender once and nothing else: for timing whole processes
// from outside, e.g. hyperfine "node bench/runtime.bench.mjs channel '--only=raw array + promise'" \
//   "node bench/runtime.bench.mjs channel '--only=cancel-safe Channel'"
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const groups = args.filter((arg) => !arg.startsWith('--'));
if (only === 'startup') process.exit(0); // the cost of starting Node and importing every contender
const wanted = (name) => groups.length === 0 || groups.includes(name);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const summary = {};

const gc = globalThis.gc ?? (() => {});

/**
 * Runs every contender ROUNDS times, interleaved, after one warm-up run; returns the median ms of
 * each. A contender slower than 2 s a run (Repeater takes ~12 s for the channel workload) keeps
 * its warm-up as a measured run and gets only the rounds that fit in ~8 s, so the whole file
 * stays near two minutes; its median is then over fewer runs, which the table says.
 */
async function race(contenders) {
  if (only !== undefined) {
    if (contenders[only] === undefined) {
      console.error(`No contender named ${JSON.stringify(only)} in this group; have: ${Object.keys(contenders).join(', ')}`);
      process.exit(2);
    }
    await contenders[only]();
    process.exit(0);
  }
  const names = Object.keys(contenders);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  const rounds = {};
  for (const name of names) {
    gc();
    const start = performance.now();
    await contenders[name]();
    const ms = performance.now() - start;
    if (ms > 2_000) {
      times[name].push(ms);
      rounds[name] = Math.max(0, Math.min(ROUNDS, Math.floor(8_000 / ms)) - 1);
    } else rounds[name] = ROUNDS;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      if (round >= rounds[name]) continue;
      gc();
      const start = performance.now();
      await contenders[name]();
      times[name].push(performance.now() - start);
    }
  }
  runs = Object.fromEntries(names.map((name) => [name, times[name].length]));
  return Object.fromEntries(names.map((name) => [name, median(times[name])]));
}
let runs = {};

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function table(title, medians, reference, unitCount, unit) {
  console.log(`\n### ${title}\n`);
  console.log(`| contender | runs | median ms | ${unit} | speed vs ${reference} |`);
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, ms] of Object.entries(medians)) {
    const per = ((ms * 1e6) / unitCount).toFixed(0);
    console.log(`| ${name} | ${runs[name]} | ${ms.toFixed(1)} | ${per} ns | ${(medians[reference] / ms).toFixed(2)}x |`);
  }
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}; the benchmark is not measuring a correct run.`);
}

// ---------------------------------------------------------------------------------------------
// Channel: 1 producer, 1 consumer, capacity 1024, 1e6 messages.
const MESSAGES = 1_000_000;
const CAPACITY = 1024;
const expectedSum = ((MESSAGES - 1) * MESSAGES) / 2;

async function channelCancelSafe() {
  const channel = new Channel(CAPACITY);
  const producer = (async () => {
    for (let i = 0; i < MESSAGES; i++) await channel.send(i);
    channel.close();
  })();
  let sum = 0;
  for await (const value of channel) sum += value;
  await producer;
  assertEqual(sum, expectedSum, 'cancel-safe Channel sum');
}

async function channelRepeater() {
  const repeater = new Repeater(async (push, stop) => {
    for (let i = 0; i < MESSAGES; i++) await push(i);
    stop();
  }, new FixedBuffer(CAPACITY));
  let sum = 0;
  for await (const value of repeater) sum += value;
  assertEqual(sum, expectedSum, 'Repeater sum');
}

async function channelItPushable() {
  // it-pushable has no bounded send: the producer pushes and, at 1024 queued, awaits onEmpty().
  const source = pushable({ objectMode: true });
  const producer = (async () => {
    for (let i = 0; i < MESSAGES; i++) {
      source.push(i);
      if (source.readableLength >= CAPACITY) await source.onEmpty();
    }
    source.end();
  })();
  let sum = 0;
  for await (const value of source) sum += value;
  await producer;
  assertEqual(sum, expectedSum, 'it-pushable sum');
}

async function channelRaw() {
  // The floor: an array, the producer waits only when 1024 are queued, the consumer awaits one
  // promise per message (already resolved when a value is queued).
  const queue = [];
  let onValue;
  let onSpace;
  const producer = (async () => {
    for (let i = 0; i < MESSAGES; i++) {
      if (queue.length >= CAPACITY) await new Promise((resolve) => (onSpace = resolve));
      queue.push(i);
      if (onValue !== undefined) {
        const wake = onValue;
        onValue = undefined;
        wake();
      }
    }
  })();
  const recv = () => {
    if (queue.length > 0) {
      const value = queue.shift();
      if (onSpace !== undefined) {
        const wake = onSpace;
        onSpace = undefined;
        wake();
      }
      return Promise.resolve(value);
    }
    return new Promise((resolve) => (onValue = resolve)).then(recv);
  };
  let sum = 0;
  for (let i = 0; i < MESSAGES; i++) sum += await recv();
  await producer;
  assertEqual(sum, expectedSum, 'raw sum');
}

if (wanted('channel')) {
  const medians = await race({
    'cancel-safe Channel': channelCancelSafe,
    '@repeaterjs/repeater': channelRepeater,
    'it-pushable': channelItPushable,
    'raw array + promise': channelRaw,
  });
  table(`Channel: 1 producer / 1 consumer, capacity ${CAPACITY}, ${MESSAGES.toLocaleString('en')} messages`, medians, 'cancel-safe Channel', MESSAGES, 'per message');
  const best = Math.min(medians['@repeaterjs/repeater'], medians['it-pushable']);
  summary.channelVsBestPeer = best / medians['cancel-safe Channel'];
  summary.channelVsRaw = medians['raw array + promise'] / medians['cancel-safe Channel'];
  console.log(`\nChannel vs best peer: ${summary.channelVsBestPeer.toFixed(2)}x (target >= 2x); vs raw: ${summary.channelVsRaw.toFixed(2)}x (target >= 0.5x)`);
}

// ---------------------------------------------------------------------------------------------
// Semaphore: 200k async tasks submitted at once, 8 at a time; and bare acquire/release cycles.
const TASKS = 200_000;
const LIMIT = 8;
const work = (i) => Promise.resolve(i);
const expectedTaskSum = ((TASKS - 1) * TASKS) / 2;
const sumOf = (values) => values.reduce((a, b) => a + b, 0);

if (wanted('semaphore')) {
  const medians = await race({
    'cancel-safe Semaphore.run': async () => {
      const semaphore = new Semaphore(LIMIT);
      const all = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) all[i] = semaphore.run(() => work(i));
      assertEqual(sumOf(await Promise.all(all)), expectedTaskSum, 'Semaphore.run');
    },
    'cancel-safe acquire/release': async () => {
      const semaphore = new Semaphore(LIMIT);
      const all = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) {
        all[i] = semaphore.acquire().then(async (permit) => {
          try {
            return await work(i);
          } finally {
            permit.release();
          }
        });
      }
      assertEqual(sumOf(await Promise.all(all)), expectedTaskSum, 'acquire/release');
    },
    'async-sema': async () => {
      const sema = new Sema(LIMIT);
      const all = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) {
        all[i] = sema.acquire().then(async () => {
          try {
            return await work(i);
          } finally {
            sema.release();
          }
        });
      }
      assertEqual(sumOf(await Promise.all(all)), expectedTaskSum, 'async-sema');
    },
    'p-limit': async () => {
      const limit = pLimit(LIMIT);
      const all = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) all[i] = limit(() => work(i));
      assertEqual(sumOf(await Promise.all(all)), expectedTaskSum, 'p-limit');
    },
    'p-queue': async () => {
      const queue = new PQueue({ concurrency: LIMIT });
      const all = new Array(TASKS);
      for (let i = 0; i < TASKS; i++) all[i] = queue.add(() => work(i));
      assertEqual(sumOf(await Promise.all(all)), expectedTaskSum, 'p-queue');
    },
  });
  table(`Semaphore: ${TASKS.toLocaleString('en')} tasks submitted at once, ${LIMIT} at a time`, medians, 'cancel-safe Semaphore.run', TASKS, 'per task');
  summary.semaphoreVsPLimit = medians['p-limit'] / medians['cancel-safe Semaphore.run'];
  summary.semaphoreVsAsyncSema = medians['async-sema'] / medians['cancel-safe acquire/release'];
  summary.semaphoreRunVsAsyncSema = medians['async-sema'] / medians['cancel-safe Semaphore.run'];
  console.log(`\nSemaphore.run vs p-limit: ${summary.semaphoreVsPLimit.toFixed(2)}x (target >= 2x); acquire/release vs async-sema: ${summary.semaphoreVsAsyncSema.toFixed(2)}x (target >= 1x)`);

  const CYCLES = 1_000_000;
  const cycles = await race({
    'cancel-safe acquire+release': async () => {
      const semaphore = new Semaphore(1);
      for (let i = 0; i < CYCLES; i++) (await semaphore.acquire()).release();
    },
    'async-sema acquire+release': async () => {
      const sema = new Sema(1);
      for (let i = 0; i < CYCLES; i++) {
        await sema.acquire();
        sema.release();
      }
    },
  });
  table(`Semaphore: ${CYCLES.toLocaleString('en')} uncontended acquire/release cycles`, cycles, 'cancel-safe acquire+release', CYCLES, 'per cycle');
  summary.cyclesVsAsyncSema = cycles['async-sema acquire+release'] / cycles['cancel-safe acquire+release'];
}

if (wanted('map')) {
  const items = Array.from({ length: TASKS }, (_, i) => i);
  const medians = await race({
    'cancel-safe mapConcurrent': async () => {
      const results = await mapConcurrent(items, LIMIT, (i) => work(i));
      assertEqual(sumOf(results), expectedTaskSum, 'mapConcurrent');
    },
    'p-limit + Promise.all': async () => {
      const limit = pLimit(LIMIT);
      assertEqual(sumOf(await Promise.all(items.map((i) => limit(() => work(i))))), expectedTaskSum, 'p-limit map');
    },
    'p-queue + Promise.all': async () => {
      const queue = new PQueue({ concurrency: LIMIT });
      assertEqual(sumOf(await Promise.all(items.map((i) => queue.add(() => work(i))))), expectedTaskSum, 'p-queue map');
    },
    'async-sema + Promise.all': async () => {
      const sema = new Sema(LIMIT);
      const results = await Promise.all(
        items.map(async (i) => {
          await sema.acquire();
          try {
            return await work(i);
          } finally {
            sema.release();
          }
        }),
      );
      assertEqual(sumOf(results), expectedTaskSum, 'async-sema map');
    },
  });
  table(`mapConcurrent: ${TASKS.toLocaleString('en')} items, limit ${LIMIT}`, medians, 'cancel-safe mapConcurrent', TASKS, 'per item');
  summary.mapVsPLimit = medians['p-limit + Promise.all'] / medians['cancel-safe mapConcurrent'];
  summary.mapVsAsyncSema = medians['async-sema + Promise.all'] / medians['cancel-safe mapConcurrent'];
  console.log(`\nmapConcurrent vs p-limit: ${summary.mapVsPLimit.toFixed(2)}x (target >= 2x); vs async-sema: ${summary.mapVsAsyncSema.toFixed(2)}x (target >= 1x)`);
}

// ---------------------------------------------------------------------------------------------
// timeout(): overhead over a bare await of an operation that settles at once.
if (wanted('timeout')) {
  const CALLS = 200_000;
  const op = () => Promise.resolve(1);
  const medians = await race({
    'bare await op()': async () => {
      let sum = 0;
      for (let i = 0; i < CALLS; i++) sum += await op();
      assertEqual(sum, CALLS, 'bare');
    },
    'cancel-safe timeout()': async () => {
      let sum = 0;
      for (let i = 0; i < CALLS; i++) sum += await timeout(10_000, op);
      assertEqual(sum, CALLS, 'timeout');
    },
    'p-timeout': async () => {
      let sum = 0;
      for (let i = 0; i < CALLS; i++) sum += await pTimeout(op(), { milliseconds: 10_000 });
      assertEqual(sum, CALLS, 'p-timeout');
    },
  });
  table(`timeout(): ${CALLS.toLocaleString('en')} calls of an operation that settles at once`, medians, 'bare await op()', CALLS, 'per call');
  const bare = medians['bare await op()'];
  const ours = ((medians['cancel-safe timeout()'] - bare) * 1e6) / CALLS;
  const theirs = ((medians['p-timeout'] - bare) * 1e6) / CALLS;
  summary.timeoutOverheadNs = ours;
  summary.pTimeoutOverheadNs = theirs;
  summary.timeoutOverheadVsPTimeout = ours / theirs;
  console.log(`\noverhead per call: cancel-safe ${ours.toFixed(0)} ns, p-timeout ${theirs.toFixed(0)} ns: ${(ours / theirs).toFixed(2)} of p-timeout's (target <= 1)`);
}

// ---------------------------------------------------------------------------------------------
// select() vs Promise.race in a loop against one long-lived cancellation branch: heap growth.
if (wanted('select')) {
  const ITERATIONS = 1_000_000;
  const heapAfterGc = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

  const token = new CancellationToken();
  const channel = new Channel(1);
  let before = heapAfterGc();
  let start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    channel.trySend(i);
    const next = await select({
      value: (signal) => channel.recv({ signal }),
      stop: (signal) => token.wait({ signal }),
    });
    if (next.key !== 'value') throw new Error('the token is never cancelled here');
  }
  if (channel.size !== 0) throw new Error('select left a value behind');
  const selectMs = performance.now() - start;
  const selectGrowth = heapAfterGc() - before;

  const longLived = token.cancelled();
  const raceChannel = new Channel(1);
  before = heapAfterGc();
  start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    raceChannel.trySend(i);
    // The hazard being measured: the reactions that pile up on `longLived`.
    // eslint-disable-next-line cancel-safe/no-unsafe-race, cancel-safe/no-race-leak
    await Promise.race([raceChannel.recv(), longLived]);
  }
  const raceMs = performance.now() - start;
  const raceGrowth = heapAfterGc() - before;
  token.cancel(); // releases the reactions Promise.race left on `longLived`

  console.log(`\n### select() vs Promise.race, ${ITERATIONS.toLocaleString('en')} iterations against one long-lived cancellation branch\n`);
  console.log('| contender | heap growth after GC | ns per iteration (one run) |');
  console.log('| --- | ---: | ---: |');
  console.log(`| cancel-safe select({ value: recv, stop: token.wait }) | ${mb(selectGrowth)} MB | ${((selectMs * 1e6) / ITERATIONS).toFixed(0)} |`);
  console.log(`| Promise.race([recv(), token.cancelled()]) | ${mb(raceGrowth)} MB | ${((raceMs * 1e6) / ITERATIONS).toFixed(0)} |`);
  summary.selectHeapGrowthMB = selectGrowth / 1024 / 1024;
  summary.raceHeapGrowthMB = raceGrowth / 1024 / 1024;
  console.log(`\nselect heap growth ${mb(selectGrowth)} MB (target < 5 MB); Promise.race ${mb(raceGrowth)} MB`);
}

if (json) console.log(JSON.stringify(summary));
