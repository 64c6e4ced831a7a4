import rule from '../../rules/src/rules/no-leaky-timeout';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';
import { RuleTester as ESLintRuleTester } from 'eslint';

const HOISTED_FIX = `
import { timeout } from 'cancel-safe';
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pending = db.query('select 1');
await timeout(500, (signal) => pending);
`;

syntacticTester.run('no-leaky-timeout', rule, {
  valid: [
    `await timeout(1000, (signal) => fetch(url, { signal }));`,
    `await fetch(url, { signal: AbortSignal.timeout(1000) });`,
    // Near miss: the timer is cleared in finally and the request gets the signal.
    `
      async function get(url) {
        const controller = new AbortController();
        let timer;
        try {
          return await Promise.race([
            fetch(url, { signal: controller.signal }),
            new Promise((_, reject) => { timer = setTimeout(() => { controller.abort(); reject(new Error('t')); }, 1000); }),
          ]);
        } finally {
          clearTimeout(timer);
        }
      }
    `,
    // Near miss: a sleep whose signal is aborted once the race is decided.
    `
      import { setTimeout as sleep } from 'node:timers/promises';
      async function get(work) {
        const ac = new AbortController();
        try { return await Promise.race([work(ac.signal), sleep(1000, undefined, { signal: ac.signal })]); }
        finally { ac.abort(); }
      }
    `,
    // Near miss: Promise is shadowed by a local.
    `
      const Promise = { race: (xs) => xs[0] };
      Promise.race([fetch(url), new Promise((r) => setTimeout(r, 10))]);
    `,
    // Promise.all waits for both; there is no loser.
    `await Promise.all([fetch(url), new Promise((r) => setTimeout(r, 10))]);`,
    // A race with no timer in it is not a timeout.
    `await Promise.race([fetch(a), fetch(b)]);`,
    // Near miss: an unref()ed timer does not hold the process open, and the request has a signal.
    `await Promise.race([fetch(url, { signal }), new Promise((r) => setTimeout(r, 10).unref())]);`,
    // Near miss (regression, nodejs/undici test/h2c-client.js): a bounded shutdown step. The timer is
    // cleared in finally and \`close()\` is meant to go on after the deadline: nothing to abort.
    `
      let closeTimer = null;
      try {
        await Promise.race([
          client.close(),
          new Promise((resolve, reject) => { closeTimer = setTimeout(() => reject(new Error('close hung')), 1000); }),
        ]);
      } finally { clearTimeout(closeTimer); }
    `,
    // Near miss: a token-cancelled sleep from the runtime, cancelled in finally.
    `
      import { sleep, CancellationToken } from 'cancel-safe';
      async function f(op) {
        const token = new CancellationToken();
        try { return await Promise.race([op({ signal: token.signal }), sleep(10, { signal: token.signal })]); }
        finally { token.cancel(); }
      }
    `,
    // Near miss: the raced operation is a consuming read; no-unsafe-race reports it, and the timer is released.
    `
      const ac = new AbortController();
      try { await Promise.race([reader.read(), sleep(10, { signal: ac.signal })]); } finally { ac.abort(); }
    `,
    // The runtime's timeout() is not a race.
    `import { timeout as withDeadline } from 'cancel-safe'; await withDeadline(10, (signal) => fetch(url, { signal }));`,
  ],
  invalid: [
    {
      code: `await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);`,
      errors: [
        {
          messageId: 'operationNotAborted',
          line: 1,
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => fetch(url, { signal }));`,
            },
            {
              messageId: 'useAbortSignalTimeout',
              data: { delay: '1000' },
              output: `await fetch(url, { signal: AbortSignal.timeout(1000) });`,
            },
          ],
        },
        {
          messageId: 'timerNotCleared',
          line: 1,
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => fetch(url, { signal }));`,
            },
            {
              messageId: 'useAbortSignalTimeout',
              data: { delay: '1000' },
              output: `await fetch(url, { signal: AbortSignal.timeout(1000) });`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { setTimeout as sleep } from 'node:timers/promises';
import { retry } from 'cancel-safe';
await Promise.race([work({ signal }), sleep(500)]);
`,
      errors: [
        {
          messageId: 'timerNotCleared',
          line: 4,
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `
import { setTimeout as sleep } from 'node:timers/promises';
import { retry, timeout } from 'cancel-safe';
await timeout(500, (signal) => work({ signal }), { signal });
`,
            },
          ],
        },
      ],
    },
    {
      // A delay helper of the same file, a hoisted operation (its start line is named), settings raceHelpers.
      code: `
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pending = db.query('select 1');
await utils.race([pending, delay(500)]);
`,
      settings: { 'cancel-safe': { raceHelpers: ['utils.race'] } },
      errors: [
        {
          messageId: 'operationNotAborted',
          line: 4,
          column: 19,
          data: { operation: 'db.query', created: ' (started on line 3)' },
          suggestions: [{ messageId: 'useTimeout', output: HOISTED_FIX }],
        },
        { messageId: 'timerNotCleared', line: 4, column: 28, suggestions: [{ messageId: 'useTimeout', output: HOISTED_FIX }] },
      ],
    },
    {
      // An immediately invoked async function is named as such, not by its whole body.
      code: `await Promise.race([(async () => { await step(); })(), new Promise((r) => setTimeout(r, 5))]);`,
      errors: [
        {
          messageId: 'operationNotAborted',
          data: { operation: 'async function', created: '' },
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import { timeout } from 'cancel-safe';\nawait timeout(5, (signal) => (async () => { await step(); })());`,
            },
          ],
        },
        {
          messageId: 'timerNotCleared',
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import { timeout } from 'cancel-safe';\nawait timeout(5, (signal) => (async () => { await step(); })());`,
            },
          ],
        },
      ],
    },
    {
      // Promise.any, a namespace import of timers/promises, and checkOperationAbort: false.
      code: `import * as timers from 'node:timers/promises';\nawait Promise.any([load(), timers.setTimeout(100)]);`,
      options: [{ checkOperationAbort: false }],
      errors: [
        {
          messageId: 'timerNotCleared',
          line: 2,
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import * as timers from 'node:timers/promises';\nimport { timeout } from 'cancel-safe';\nawait timeout(100, (signal) => load(signal));`,
            },
          ],
        },
      ],
    },
    {
      // The timer is cleared only on one path (inside the executor), and nothing aborts.
      code: `
const race = Promise.race;
await Promise.race([
  request(),
  new Promise((_, reject) => { const t = setTimeout(() => reject(new Error('t')), 50); emitter.on('x', () => clearTimeout(t)); }),
]);
`,
      errors: [
        { messageId: 'operationNotAborted', line: 4, suggestions: [{ messageId: 'useTimeout', output: `
import { timeout } from 'cancel-safe';
const race = Promise.race;
await timeout(50, (signal) => request(signal));
` }] },
        { messageId: 'timerNotCleared', line: 5, suggestions: [{ messageId: 'useTimeout', output: `
import { timeout } from 'cancel-safe';
const race = Promise.race;
await timeout(50, (signal) => request(signal));
` }] },
      ],
    },
    {
      // A hoisted timer: only the rewrite of an inline timer is offered.
      code: `const t = new Promise((r) => setTimeout(r, 100));\nawait Promise.race([fetch(url, { signal }), t]);`,
      errors: [{ messageId: 'timerNotCleared', line: 2, suggestions: [] }],
    },
    {
      // fetch with an init variable spread in: keeps the init, adds the deadline.
      code: `await Promise.race([fetch(url, init), sleep(300)]);`,
      errors: [
        {
          messageId: 'timerNotCleared',
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `import { timeout } from 'cancel-safe';\nawait timeout(300, (signal) => fetch(url, { ...init, signal }));`,
            },
            { messageId: 'useAbortSignalTimeout', output: `await fetch(url, { ...init, signal: AbortSignal.timeout(300) });` },
          ],
        },
      ],
    },
    {
      // Optional chaining on the callee, through globalThis.
      code: `await globalThis.Promise.race([api?.get(id), wait(1000)]);`,
      errors: [
        { messageId: 'operationNotAborted', data: { operation: 'api?.get', created: '' }, suggestions: [{ messageId: 'useTimeout', output: `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => api?.get(id));` }] },
        { messageId: 'timerNotCleared', suggestions: [{ messageId: 'useTimeout', output: `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => api?.get(id));` }] },
      ],
    },
    {
      // runtimeModule is honoured.
      code: `await Promise.race([job({ signal }), delay(10)]);`,
      settings: { 'cancel-safe': { runtimeModule: '@acme/cancel' } },
      errors: [
        {
          messageId: 'timerNotCleared',
          suggestions: [{ messageId: 'useTimeout', output: `import { timeout } from '@acme/cancel';\nawait timeout(10, (signal) => job({ signal }), { signal });` }],
        },
      ],
    },
  ],
});

commonJsTester.run('no-leaky-timeout (CommonJS)', rule, {
  valid: [
    `const { timeout } = require('cancel-safe'); timeout(10, (signal) => run(signal));`,
    // A local named setTimeout is not the timer.
    `const setTimeout = (f) => f(); Promise.race([run({ signal }), new Promise((r) => setTimeout(r))]);`,
  ],
  invalid: [
    {
      code: `const timers = require('timers/promises');\nPromise.race([run({ signal }), timers.setTimeout(10)]);`,
      errors: [
        {
          messageId: 'timerNotCleared',
          suggestions: [
            {
              messageId: 'useTimeout',
              output: `const timers = require('timers/promises');\nconst { timeout } = require('cancel-safe');\ntimeout(10, (signal) => run({ signal }), { signal });`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-leaky-timeout (typed)', rule, {
  valid: [
    // With types, a `sleep` that does not return a promise is not a timer.
    `declare function sleep(ms: number): number; declare const p: Promise<number>; Promise.race([p, sleep(5)]);`,
  ],
  invalid: [
    {
      code: `declare function sleep(ms: number): Promise<void>; declare const p: Promise<number>; Promise.race([p, sleep(5)]);`,
      errors: [{ messageId: 'timerNotCleared', suggestions: [{ messageId: 'useTimeout', output: `import { timeout } from 'cancel-safe';\ndeclare function sleep(ms: number): Promise<void>; declare const p: Promise<number>; timeout(5, (signal) => p);` }] }],
    },
  ],
});

// The suggestion's code lands inside a function: a name declared in any nested scope could shadow
// the import there, so the import is aliased (a reused import gets an aliased second specifier).
syntacticTester.run('no-leaky-timeout (import names shadowed in a nested scope)', rule, {
  valid: [],
  invalid: [
    {
      code: `async function get(url, timeout) {\n  return await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), timeout))]);\n}`,
      errors: [
        { messageId: 'operationNotAborted', suggestions: [{ messageId: 'useTimeout', output: `import { timeout as cancelSafeTimeout } from 'cancel-safe';\nasync function get(url, timeout) {\n  return await cancelSafeTimeout(timeout, (signal) => fetch(url, { signal }));\n}` }, { messageId: 'useAbortSignalTimeout', data: { delay: 'timeout' }, output: `async function get(url, timeout) {\n  return await fetch(url, { signal: AbortSignal.timeout(timeout) });\n}` }] },
        { messageId: 'timerNotCleared', suggestions: [{ messageId: 'useTimeout', output: `import { timeout as cancelSafeTimeout } from 'cancel-safe';\nasync function get(url, timeout) {\n  return await cancelSafeTimeout(timeout, (signal) => fetch(url, { signal }));\n}` }, { messageId: 'useAbortSignalTimeout', data: { delay: 'timeout' }, output: `async function get(url, timeout) {\n  return await fetch(url, { signal: AbortSignal.timeout(timeout) });\n}` }] },
      ],
    },
    {
      code: `import { timeout } from 'cancel-safe';\nexport { timeout };\nasync function get(url, timeout) {\n  return await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), timeout))]);\n}`,
      errors: [
        { messageId: 'operationNotAborted', suggestions: [{ messageId: 'useTimeout', output: `import { timeout, timeout as cancelSafeTimeout } from 'cancel-safe';\nexport { timeout };\nasync function get(url, timeout) {\n  return await cancelSafeTimeout(timeout, (signal) => fetch(url, { signal }));\n}` }, { messageId: 'useAbortSignalTimeout', data: { delay: 'timeout' }, output: `import { timeout } from 'cancel-safe';\nexport { timeout };\nasync function get(url, timeout) {\n  return await fetch(url, { signal: AbortSignal.timeout(timeout) });\n}` }] },
        { messageId: 'timerNotCleared', suggestions: [{ messageId: 'useTimeout', output: `import { timeout, timeout as cancelSafeTimeout } from 'cancel-safe';\nexport { timeout };\nasync function get(url, timeout) {\n  return await cancelSafeTimeout(timeout, (signal) => fetch(url, { signal }));\n}` }, { messageId: 'useAbortSignalTimeout', data: { delay: 'timeout' }, output: `import { timeout } from 'cancel-safe';\nexport { timeout };\nasync function get(url, timeout) {\n  return await fetch(url, { signal: AbortSignal.timeout(timeout) });\n}` }] },
      ],
    },
  ],
});

// ESLint's default parser (espree) marks a CommonJS file `sourceType: 'commonjs'` (typescript-estree
// says 'script'): the added import must be a require there too, or the file stops parsing.
new ESLintRuleTester({ languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' } }).run('no-leaky-timeout (espree, CommonJS)', rule as never, {
  valid: [],
  invalid: [
    {
      code: `async function get(url) {\n  return Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);\n}`,
      errors: [
        {
          messageId: 'operationNotAborted',
          suggestions: [
            { messageId: 'useTimeout', output: `const { timeout } = require('cancel-safe');\nasync function get(url) {\n  return timeout(1000, (signal) => fetch(url, { signal }));\n}` },
            { messageId: 'useAbortSignalTimeout', data: { delay: '1000' }, output: `async function get(url) {\n  return fetch(url, { signal: AbortSignal.timeout(1000) });\n}` },
          ],
        },
        {
          messageId: 'timerNotCleared',
          suggestions: [
            { messageId: 'useTimeout', output: `const { timeout } = require('cancel-safe');\nasync function get(url) {\n  return timeout(1000, (signal) => fetch(url, { signal }));\n}` },
            { messageId: 'useAbortSignalTimeout', data: { delay: '1000' }, output: `async function get(url) {\n  return fetch(url, { signal: AbortSignal.timeout(1000) });\n}` },
          ],
        },
      ],
    },
  ],
});
