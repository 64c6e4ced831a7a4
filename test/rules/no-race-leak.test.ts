import rule from '../../rules/src/rules/no-race-leak';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-race-leak', rule, {
  valid: [
    // The raced promise is re-created on every iteration.
    `
      while (running) {
        const stop = new Promise((resolve) => emitter.once('stop', resolve));
        await Promise.race([next(), stop]);
      }
    `,
    // The runtime's select: per-call signals, nothing accumulates.
    `
      import { select } from 'cancel-safe';
      for (;;) await select({ job: (signal) => jobs.recv({ signal }), stop: (signal) => token.wait({ signal }) });
    `,
    // Near miss: the hoisted pending read, re-assigned in the loop once it settles.
    `
      let pending = reader.read();
      for (;;) {
        const won = await Promise.race([pending, tick()]);
        if (won !== 'tick') pending = reader.read();
      }
    `,
    // Near miss: the long-lived promise is raced once, outside any loop.
    `const shutdown = once(process, 'SIGTERM'); await Promise.race([server.listen(), shutdown]);`,
    // Near miss: Promise.all waits for everything; nothing is left pending.
    `const ready = init(); for (const x of xs) await Promise.all([ready, handle(x)]);`,
    // Near miss: the loop variable is a fresh binding each iteration.
    `for (const p of pending) await Promise.race([p, sleep(10)]);`,
    // Near miss: \`this.current\` is replaced inside the loop.
    `
      class Poller {
        async run() {
          while (this.on) { this.current = fetchOnce(); await Promise.race([this.current, tick()]); }
        }
      }
    `,
    // Near miss: a shadowed Promise.
    `const Promise = { race() {} }; const stop = makeStop(); while (x) Promise.race([stop, tick()]);`,
    // Waiting with a signal instead of racing.
    `while (!signal.aborted) await sleep(1000, { signal });`,
    // A recursive function whose race uses only fresh promises.
    `async function poll() { await Promise.race([check(), sleep(10)]); return poll(); }`,
    { code: `const stop = stopped(); async function poll() { await Promise.race([stop, tick()]); return poll(); }`, options: [{ checkRecursion: false }] },
    // Values that are never promises.
    `const fallback = 'none'; while (x) await Promise.race([load(), fallback]);`,
  ],
  invalid: [
    {
      code: `
const shutdown = new Promise((resolve) => process.once('SIGTERM', resolve));
while (true) {
  const job = await Promise.race([queue.next(), shutdown]);
  if (!job) break;
}
`,
      errors: [
        {
          messageId: 'longLivedPromise',
          line: 4,
          column: 49,
          data: { name: 'shutdown', line: '2', region: 'loop', round: 'iteration' },
          suggestions: [],
        },
      ],
    },
    {
      code: `
import { sleep, CancellationToken } from 'cancel-safe';
async function heartbeat(token) {
  while (true) {
    await Promise.race([sleep(5_000), token.cancelled()]);
    if (token.isCancelled) return;
    await ping();
  }
}
`,
      errors: [
        {
          messageId: 'cancelledPromise',
          line: 5,
          data: { name: 'token.cancelled()', signal: 'token.signal', region: 'loop', round: 'iteration' },
          suggestions: [
            {
              messageId: 'passSignal',
              output: `
import { sleep, CancellationToken } from 'cancel-safe';
async function heartbeat(token) {
  while (true) {
    await sleep(5_000, { signal: token.signal });
    if (token.isCancelled) return;
    await ping();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
async function poll(signal) {
  const aborted = once(signal, 'abort');
  for (;;) {
    await Promise.race([delay(100), aborted]);
  }
}
`,
      errors: [
        {
          messageId: 'longLivedPromise',
          line: 7,
          data: { name: 'aborted', line: '5', region: 'loop', round: 'iteration' },
          suggestions: [
            {
              messageId: 'passSignal',
              output: `
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
async function poll(signal) {
  const aborted = once(signal, 'abort');
  for (;;) {
    await delay(100, undefined, { signal: signal });
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
class Worker {
  async run() {
    for await (const message of this.source) {
      await Promise.race([this.handle(message), this.closed]);
    }
  }
  start() {
    this.closed = once(this.socket, 'close');
  }
}
`,
      errors: [{ messageId: 'longLivedPromise', line: 5, data: { name: 'this.closed', line: '9', region: 'loop', round: 'iteration' } }],
    },
    {
      // A parameter is bound outside the loop too.
      code: `async function pump(stop) { do { await Promise.any([read(), stop]); } while (more()); }`,
      errors: [{ messageId: 'longLivedPromise', line: 1, data: { name: 'stop', line: '1', region: 'loop', round: 'iteration' } }],
    },
    {
      // Recursion through a named function, an arrow assigned to a const, and a method.
      code: `const stop = stopped();\nasync function poll() { await Promise.race([stop, tick()]); return poll(); }`,
      errors: [{ messageId: 'longLivedPromise', line: 2, data: { name: 'stop', line: '1', region: 'recursion', round: 'call' } }],
    },
    {
      code: `const stop = stopped();\nconst poll = async () => { await Promise.race([stop, tick()]); setTimeout(poll, 10); };`,
      errors: [{ messageId: 'longLivedPromise', line: 2 }],
    },
    {
      code: `class P { async tick() { await Promise.race([this.stop, wait()]); await this.tick(); } }`,
      errors: [{ messageId: 'longLivedPromise', line: 1, data: { name: 'this.stop', line: '1', region: 'recursion', round: 'call' } }],
    },
    {
      // Spread arrays and optional chaining are seen through.
      code: `const closed = conn.closed;\nfor (const id of ids) await Promise.race([...[load(id)], closed]);`,
      errors: [{ messageId: 'longLivedPromise', line: 2 }],
    },
    {
      code: `while (a) await Promise.race([work(), state?.token.cancelled()]);`,
      errors: [{ messageId: 'cancelledPromise', data: { name: 'state?.token.cancelled()', signal: 'state?.token.signal', region: 'loop', round: 'iteration' }, suggestions: [] }],
    },
    {
      code: `const stop = stopped(); while (a) await utils.race([work(), stop]);`,
      settings: { 'cancel-safe': { raceHelpers: ['utils.race'] } },
      errors: [{ messageId: 'longLivedPromise' }],
    },
  ],
});

commonJsTester.run('no-race-leak (CommonJS)', rule, {
  valid: [`const { select } = require('cancel-safe'); while (x) select({ a: (signal) => f(signal) });`],
  invalid: [
    {
      code: `const { once } = require('events');\nconst { setTimeout: wait } = require('timers/promises');\nasync function f(signal) { const done = once(signal, 'abort'); while (1) await Promise.race([wait(5), done]); }`,
      errors: [
        {
          messageId: 'longLivedPromise',
          line: 3,
          suggestions: [
            {
              messageId: 'passSignal',
              output: `const { once } = require('events');\nconst { setTimeout: wait } = require('timers/promises');\nasync function f(signal) { const done = once(signal, 'abort'); while (1) await wait(5, undefined, { signal: signal }); }`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-race-leak (typed)', rule, {
  valid: [
    // With types, a raced value that is not a promise cannot accumulate reactions.
    `declare const limit: number; declare function work(): Promise<number>; async function f() { while (true) await Promise.race([work(), limit]); }`,
  ],
  invalid: [
    {
      code: `declare const stop: Promise<void>; declare function work(): Promise<number>; async function f() { while (true) await Promise.race([work(), stop]); }`,
      errors: [{ messageId: 'longLivedPromise' }],
    },
  ],
});
