import rule from '../../rules/src/rules/no-async-interval';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-async-interval', rule, {
  valid: [
    `setInterval(() => { counter++; }, 1000);`,
    `import { interval } from 'cancel-safe';\ninterval(1000, async (signal) => { await poll({ signal }); });`,
    `function tick() { metrics.flush(); }\nsetInterval(tick, 1000);`,
    // Near miss: timers/promises' setInterval is an async iterator that waits for each tick.
    `import { setInterval } from 'node:timers/promises';\nfor await (const _ of setInterval(1000)) { await poll(); }`,
    // Near miss: a local function named setInterval is not the timer.
    `function setInterval(fn, ms) { return schedule(fn, ms); }\nsetInterval(async () => { await poll(); }, 1000);`,
    // Near miss: the async work is inside, the callback itself is synchronous and returns nothing.
    `setInterval(() => { queue.push(Date.now()); }, 1000);`,
    // Near miss: setTimeout chained after each tick settles never overlaps.
    `async function loop() { await poll(); setTimeout(loop, 1000); }\nsetTimeout(loop, 1000);`,
    // Near miss: an async callback handed to something that is not setInterval.
    `emitter.on('tick', async () => { await poll(); });`,
    `setInterval(sync, 10);\nfunction sync() { return 1; }`,
    {
      code: `async function poll() {}\nsetInterval(() => poll(), 1000);`,
      options: [{ checkPromiseReturning: false }],
    },
    `const t = setInterval(function () { this.count++; }, 5);`,
  ],
  invalid: [
    {
      code: `setInterval(async () => {\n  await refreshCache();\n}, 60_000);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 1,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\ninterval(60_000, async () => {\n  await refreshCache();\n});`,
            },
          ],
        },
      ],
    },
    {
      code: `import { sleep } from 'cancel-safe';\nasync function tick() { await sleep(1); }\nsetInterval(tick, 500);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 3,
          suggestions: [
            { messageId: 'useInterval', output: `import { sleep, interval } from 'cancel-safe';\nasync function tick() { await sleep(1); }\ninterval(500, tick);` },
          ],
        },
      ],
    },
    {
      // The timer id is kept for clearInterval: no rewrite, the handle would change type.
      code: `const timer = setInterval(async () => { await poll(); }, 5_000);`,
      errors: [{ messageId: 'asyncCallback', line: 1, suggestions: [] }],
    },
    {
      code: `import { setInterval as every } from 'node:timers';\nevery(async function () { await poll(); }, 100);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { setInterval as every } from 'node:timers';\nimport { interval } from 'cancel-safe';\ninterval(100, async function () { await poll(); });`,
            },
          ],
        },
      ],
    },
    {
      code: `import * as timers from 'timers';\ntimers.setInterval(async () => poll(), 100);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            { messageId: 'useInterval', output: `import * as timers from 'timers';\nimport { interval } from 'cancel-safe';\ninterval(100, async () => poll());` },
          ],
        },
      ],
    },
    {
      // Not declared async, but returns the promise of an async function declared in the file.
      code: `async function flush() {}\nglobalThis.setInterval(() => flush(), 250);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [{ messageId: 'useInterval', output: `import { interval } from 'cancel-safe';\nasync function flush() {}\ninterval(250, () => flush());` }],
        },
      ],
    },
    {
      code: `class Poller {\n  async poll() {}\n  start() { setInterval(() => this.poll(), 1000); }\n}`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 3,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\nclass Poller {\n  async poll() {}\n  start() { interval(1000, () => this.poll()); }\n}`,
            },
          ],
        },
      ],
    },
    {
      // An AbortSignal in scope is passed on, so the interval stops with its owner.
      code: `export function start(signal: AbortSignal) {\n  setInterval(async () => { await sync(); }, 10_000);\n}`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\nexport function start(signal: AbortSignal) {\n  interval(10_000, async () => { await sync(); }, { signal });\n}`,
            },
          ],
        },
      ],
    },
    {
      // Review regression: a `signal` that is not an AbortSignal (a signal name) is not passed on.
      code: `export function start() {\n  const signal = 'SIGTERM';\n  setInterval(async () => { await sync(signal); }, 10_000);\n}`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 3,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\nexport function start() {\n  const signal = 'SIGTERM';\n  interval(10_000, async () => { await sync(signal); });\n}`,
            },
          ],
        },
      ],
    },
    {
      // A token's signal is passed on as `signal: token.signal`.
      code: `export function start(token: CancellationToken) {\n  setInterval(async () => { await sync(); }, 10_000);\n}`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\nexport function start(token: CancellationToken) {\n  interval(10_000, async () => { await sync(); }, { signal: token.signal });\n}`,
            },
          ],
        },
      ],
    },
    {
      // The callback takes arguments (setInterval passes extras): no rewrite.
      code: `setInterval(async (id) => { await ping(id); }, 1000, 'a');`,
      errors: [{ messageId: 'asyncCallback', line: 1, suggestions: [] }],
    },
    {
      // The settings' runtime module is where the import comes from.
      code: `setInterval(async () => { await poll(); }, 1000);`,
      settings: { 'cancel-safe': { runtimeModule: '@acme/cancel-safe' } },
      errors: [
        {
          messageId: 'asyncCallback',
          line: 1,
          suggestions: [{ messageId: 'useInterval', output: `import { interval } from '@acme/cancel-safe';\ninterval(1000, async () => { await poll(); });` }],
        },
      ],
    },
    {
      code: `const tick = async () => { await poll(); };\nwindow?.setInterval(tick, 1000);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [{ messageId: 'useInterval', output: `import { interval } from 'cancel-safe';\nconst tick = async () => { await poll(); };\ninterval(1000, tick);` }],
        },
      ],
    },
  ],
});

commonJsTester.run('no-async-interval (CommonJS)', rule, {
  valid: [`const { setInterval: every } = require('timers');\nevery(() => { counter++; }, 1000);`],
  invalid: [
    {
      code: `const { setInterval: every } = require('timers');\nevery(async () => { await poll(); }, 1000);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `const { setInterval: every } = require('timers');\nconst { interval } = require('cancel-safe');\ninterval(1000, async () => { await poll(); });`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-async-interval (typed)', rule, {
  valid: [
    // With types, a handler that returns nothing is not flagged, whatever it is called.
    `declare const onTick: () => void;\nsetInterval(onTick, 1000);`,
    `declare const store: { flush(): number };\nsetInterval(() => store.flush(), 1000);`,
  ],
  invalid: [
    {
      // Only types know that this handler (a parameter) returns a promise.
      code: `export function start(handler: () => Promise<void>) {\n  setInterval(handler, 1000);\n}`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            {
              messageId: 'useInterval',
              output: `import { interval } from 'cancel-safe';\nexport function start(handler: () => Promise<void>) {\n  interval(1000, () => handler());\n}`,
            },
          ],
        },
      ],
    },
    {
      code: `declare const client: { ping(): Promise<string> };\nsetInterval(() => client.ping(), 30_000);`,
      errors: [
        {
          messageId: 'asyncCallback',
          line: 2,
          suggestions: [
            { messageId: 'useInterval', output: `import { interval } from 'cancel-safe';\ndeclare const client: { ping(): Promise<string> };\ninterval(30_000, () => client.ping());` },
          ],
        },
      ],
    },
  ],
});
