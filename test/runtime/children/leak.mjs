// Leak check, run by test/runtime/leaks.test.ts as `node --expose-gc leak.mjs N`: N operations of
// every waiting primitive against ONE long-lived signal. Prints one JSON line: per operation kind,
// the abort listeners left on that signal; the warnings emitted; and the heap growth after GC.
import { getEventListeners } from 'node:events';
import {
  CancellationToken,
  Channel,
  JoinSet,
  mapConcurrent,
  pump,
  retry,
  select,
  Semaphore,
  sleep,
  TaskTracker,
  timeout,
} from 'cancel-safe';

const N = Number(process.argv[2] ?? 100_000);
const warnings = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

const controller = new AbortController();
const signal = controller.signal;
const opts = { signal };
const count = () => getEventListeners(signal, 'abort').length;
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const longLived = new CancellationToken();
const channel = new Channel(1);
const semaphore = new Semaphore(1);

const kinds = {
  'Channel.recv (queued value)': async () => {
    channel.trySend(1);
    await channel.recv(opts);
  },
  'Channel.recv (waits, then handed a value)': async () => {
    const receiving = channel.recv(opts);
    channel.trySend(1);
    await receiving;
  },
  'Channel.send (waits for room)': async () => {
    channel.trySend(0);
    const sending = channel.send(1, opts);
    await channel.recv();
    await sending;
    await channel.recv();
  },
  'Semaphore.acquire (free, then queued)': async () => {
    const held = await semaphore.acquire(opts);
    const waiting = semaphore.acquire(opts);
    held.release();
    (await waiting).release();
  },
  'Semaphore.run': () => semaphore.run(async () => 1, opts),
  'CancellationToken.wait via select (long-lived token loses)': async () => {
    channel.trySend(1);
    await select({ value: (s) => channel.recv({ signal: s }), stop: (s) => longLived.wait({ signal: s }) }, opts);
  },
  'CancellationToken.child + dispose on a long-lived parent': async () => {
    const child = longLived.child();
    child[Symbol.dispose]();
  },
  'CancellationToken.fromSignal + dispose': async () => {
    CancellationToken.fromSignal(signal)[Symbol.dispose]();
  },
  'timeout (operation settles first)': () => timeout(60_000, async () => 1, opts),
  'retry (first attempt succeeds)': () => retry(async () => 1, opts),
  'JoinSet.joinNext (waits)': async () => {
    const set = new JoinSet();
    set.spawn(async () => 1);
    await set.joinNext(opts);
  },
  'TaskTracker.wait': async () => {
    const tracker = new TaskTracker();
    const task = tracker.spawn(async () => 1);
    tracker.close();
    await tracker.wait(opts);
    await task;
  },
  'mapConcurrent (3 items)': () => mapConcurrent([1, 2, 3], 2, async (x) => x, opts),
  'pump (3 items)': () => pump((async function* () { yield* [1, 2, 3]; })(), new Channel(4), opts),
};

const start = count();
const heapBefore = heap();
const left = {};
for (const [name, run] of Object.entries(kinds)) {
  for (let i = 0; i < N; i++) await run();
  left[name] = count() - start;
}
// Timers are slow to cycle: fewer sleeps, same check.
for (let i = 0; i < Math.min(N, 1_000); i++) await sleep(0, opts);
left['sleep'] = count() - start;

const heapGrowthMB = (heap() - heapBefore) / 1024 / 1024;
console.log(JSON.stringify({ operations: N, left, warnings, heapGrowthMB }));
