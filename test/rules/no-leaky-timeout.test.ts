import rule from '../../rules/src/rules/no-leaky-timeout';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

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
  ],
});

commonJsTester.run('no-leaky-timeout (CommonJS)', rule, {
  valid: [`const { timeout } = require('cancel-safe'); timeout(10, (signal) => run(signal));`],
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
