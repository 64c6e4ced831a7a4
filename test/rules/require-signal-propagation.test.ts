import rule from '../../rules/src/rules/require-signal-propagation';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('require-signal-propagation', rule, {
  valid: [
    `async function get(url, { signal }) { return fetch(url, { signal }); }`,
    `async function get(url, signal) { return fetch(url, { method: 'POST', signal }); }`,
    // No signal in scope: nothing to hand on.
    `async function get(url) { return fetch(url); }`,
    // The init is a variable we cannot see into; it may carry the signal already.
    `async function get(url, init, signal) { return fetch(url, init); }`,
    // Near miss: cleanup in finally runs after the abort on purpose; the aborted signal would skip it.
    `
      import { writeFile } from 'node:fs/promises';
      async function save(path, data, signal) {
        try { await work(signal); } finally { await writeFile(path, data); }
      }
    `,
    // Near miss: a different signal is passed on purpose (e.g. a per-attempt controller).
    `async function get(url, signal) { const ac = new AbortController(); return fetch(url, { signal: ac.signal }); }`,
    // Near miss: the signal is combined into the argument.
    `async function get(url, signal) { return fetch(url, withDeadline({ signal }, 1000)); }`,
    // Near miss: a local function shadows \`fetch\`; it is not the global.
    `async function get(url, signal) { const fetch = (u) => u; return fetch(url); }`,
    // Near miss: a nested function redeclares \`signal\` as something else.
    `async function outer(signal) { return items.map((signal) => fetch(signal)); }`,
    // Local functions that do not take a signal.
    `async function run(signal) { helper(1); } function helper(n) { return n; }`,
    {
      code: `async function run(signal) { await helper(1); } function helper(n, { signal } = {}) { return n; }`,
      options: [{ checkLocalFunctions: false }],
    },
    `import { sleep } from 'cancel-safe'; async function tick(signal) { await sleep(10, { signal }); }`,
  ],
  invalid: [
    {
      code: `async function get(url, { signal }) { return fetch(url); }`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 1,
          column: 46,
          data: { callee: 'fetch', signal: 'signal', line: '1' },
          suggestions: [
            { messageId: 'addSignal', output: `async function get(url, { signal }) { return fetch(url, { signal }); }` },
          ],
        },
      ],
    },
    {
      code: `async function post(url, body, signal) {\n  return fetch(url, { method: 'POST', body });\n}`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 2,
          suggestions: [
            { messageId: 'addSignal', output: `async function post(url, body, signal) {\n  return fetch(url, { method: 'POST', body, signal });\n}` },
          ],
        },
      ],
    },
    {
      code: `async function get(url, { signal: outer }) { return fetch(url, {}); }`,
      errors: [
        {
          messageId: 'missingSignal',
          data: { callee: 'fetch', signal: 'outer', line: '1' },
          suggestions: [{ messageId: 'addSignal', output: `async function get(url, { signal: outer }) { return fetch(url, { signal: outer }); }` }],
        },
      ],
    },
    {
      code: `
import { setTimeout as sleep } from 'node:timers/promises';
async function poll(options) {
  const { signal } = options;
  await sleep(1000);
}
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 5,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { setTimeout as sleep } from 'node:timers/promises';
async function poll(options) {
  const { signal } = options;
  await sleep(1000, undefined, { signal });
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import * as events from 'node:events';
async function firstMessage(socket, signal) {
  const [message] = await events.once(socket, 'message');
  return message;
}
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 4,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import * as events from 'node:events';
async function firstMessage(socket, signal) {
  const [message] = await events.once(socket, 'message', { signal });
  return message;
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { readFile } from 'fs/promises';
async function load(path, signal) { return readFile(path, 'utf8'); }
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 3,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { readFile } from 'fs/promises';
async function load(path, signal) { return readFile(path, { encoding: 'utf8', signal }); }
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { pipeline } from 'node:stream/promises';
async function copy(source, target, signal) { await pipeline(source, target); }
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 3,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { pipeline } from 'node:stream/promises';
async function copy(source, target, signal) { await pipeline(source, target, { signal }); }
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { exec } from 'node:child_process';
function build(signal) { exec('make', (error) => done(error)); }
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 3,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { exec } from 'node:child_process';
function build(signal) { exec('make', { signal }, (error) => done(error)); }
`,
            },
          ],
        },
      ],
    },
    {
      // Same-file functions that take a signal, and nested callbacks that close over it.
      code: `
async function download(url, signal) { return fetch(url, { signal }); }
async function downloadAll(urls, signal) {
  return Promise.all(urls.map((url) => download(url)));
}
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 4,
          data: { callee: 'download', signal: 'signal', line: '3' },
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
async function download(url, signal) { return fetch(url, { signal }); }
async function downloadAll(urls, signal) {
  return Promise.all(urls.map((url) => download(url, signal)));
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import { sleep, Channel } from 'cancel-safe';
const jobs = new Channel(10);
async function worker(token) {}
async function consume({ signal }) {
  const job = await jobs.recv();
  await sleep(job.delay);
}
`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 6,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { sleep, Channel } from 'cancel-safe';
const jobs = new Channel(10);
async function worker(token) {}
async function consume({ signal }) {
  const job = await jobs.recv({ signal });
  await sleep(job.delay);
}
`,
            },
          ],
        },
        {
          messageId: 'missingSignal',
          line: 7,
          suggestions: [
            {
              messageId: 'addSignal',
              output: `
import { sleep, Channel } from 'cancel-safe';
const jobs = new Channel(10);
async function worker(token) {}
async function consume({ signal }) {
  const job = await jobs.recv();
  await sleep(job.delay, { signal });
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `async function q(signal) { return db.query('select 1', { timeout: 5 }); }`,
      options: [{ additionalFunctions: ['db.query'] }],
      errors: [
        {
          messageId: 'missingSignal',
          suggestions: [{ messageId: 'addSignal', output: `async function q(signal) { return db.query('select 1', { timeout: 5, signal }); }` }],
        },
      ],
    },
    {
      // Optional chaining on the callee, a renamed global through globalThis.
      code: `const f = globalThis.fetch; async function get(url, signal) { return f?.(url); }`,
      errors: [
        {
          messageId: 'missingSignal',
          suggestions: [{ messageId: 'addSignal', output: `const f = globalThis.fetch; async function get(url, signal) { return f?.(url, { signal }); }` }],
        },
      ],
    },
  ],
});

commonJsTester.run('require-signal-propagation (CommonJS)', rule, {
  valid: [`const { once } = require('events'); async function f(e, signal) { await once(e, 'x', { signal }); }`],
  invalid: [
    {
      code: `const { once } = require('events');\nasync function f(emitter, signal) { await once(emitter, 'ready'); }`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 2,
          suggestions: [
            { messageId: 'addSignal', output: `const { once } = require('events');\nasync function f(emitter, signal) { await once(emitter, 'ready', { signal }); }` },
          ],
        },
      ],
    },
    {
      code: `const timers = require('timers').promises;\nasync function f({ signal }) { await timers.setTimeout(5); }`,
      errors: [
        {
          messageId: 'missingSignal',
          suggestions: [
            { messageId: 'addSignal', output: `const timers = require('timers').promises;\nasync function f({ signal }) { await timers.setTimeout(5, undefined, { signal }); }` },
          ],
        },
      ],
    },
  ],
});

typedTester.run('require-signal-propagation (typed)', rule, {
  valid: [
    // With types, a parameter named \`signal\` that is not an AbortSignal is not a signal.
    `async function get(url: string, signal: string) { return fetch(url); }`,
    // Any callee whose options type has no \`signal\` is left alone.
    `declare function query(sql: string, options?: { timeout?: number }): Promise<void>;
     async function run(signal: AbortSignal) { await query('select 1'); }`,
  ],
  invalid: [
    {
      // A signal typed AbortSignal under another name, and a typed callee with \`signal?: AbortSignal\`.
      code: `declare function query(sql: string, options?: { signal?: AbortSignal }): Promise<void>;
async function run(abort: AbortSignal) { await query('select 1'); }`,
      errors: [
        {
          messageId: 'missingSignal',
          line: 2,
          data: { callee: 'query', signal: 'abort', line: '2' },
          suggestions: [
            {
              messageId: 'addSignal',
              output: `declare function query(sql: string, options?: { signal?: AbortSignal }): Promise<void>;
async function run(abort: AbortSignal) { await query('select 1', { signal: abort }); }`,
            },
          ],
        },
      ],
    },
    {
      // An options parameter whose type carries the signal.
      code: `async function get(url: string, options?: { signal?: AbortSignal }) { return fetch(url); }`,
      errors: [
        {
          messageId: 'missingSignal',
          suggestions: [
            {
              messageId: 'addSignal',
              output: `async function get(url: string, options?: { signal?: AbortSignal }) { return fetch(url, { signal: options?.signal }); }`,
            },
          ],
        },
      ],
    },
  ],
});
