import rule from '../../rules/src/rules/require-backoff';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('require-backoff', rule, {
  valid: [
    `import { retry } from 'cancel-safe';\nconst user = await retry((attempt, signal) => fetchUser(id, { signal }), { retries: 5, minDelay: 100, maxDelay: 30_000, jitter: true });`,
    `import pRetry from 'p-retry';\nawait pRetry(() => fetchUser(id), { retries: 5 });`,
    `async function get() {\n  let delay = 100;\n  for (let attempt = 0; attempt < 5; attempt++) {\n    try { return await op(); }\n    catch (error) { await sleep(delay); delay = Math.min(delay * 2, 30_000); }\n  }\n}`,
    `async function get() {\n  for (let attempt = 0; ; attempt++) {\n    try { return await op(); }\n    catch (error) {\n      if (attempt >= 5) throw error;\n      await sleep(Math.min(100 * 2 ** attempt, 10_000));\n    }\n  }\n}`,
    // A per-attempt const from a capped formula.
    `async function get() {\n  for (let attempt = 1; attempt <= 4; attempt++) {\n    try { return await op(); }\n    catch {\n      const wait = Math.min(2 ** attempt * 250, 5_000) * (0.5 + Math.random());\n      await new Promise((resolve) => setTimeout(resolve, wait));\n    }\n  }\n}`,
    // Near miss: a loop over items that skips the bad ones is not a retry.
    `async function importAll(rows) {\n  for (const row of rows) {\n    try { await insert(row); } catch (error) { log(error); continue; }\n  }\n}`,
    `async function firstMirror(urls) {\n  for (let i = 0; i < urls.length; i++) {\n    try { return await fetch(urls[i]); } catch {}\n  }\n}`,
    // Near miss: a consumer loop whose try only returns on an empty queue.
    `async function consume() {\n  while (true) {\n    try {\n      const job = await next();\n      if (!job) return;\n      await run(job);\n    } catch (error) { log(error); }\n  }\n}`,
    // Near miss: the catch always rethrows, so the loop never goes round after a failure.
    `async function get() {\n  while (true) {\n    try { return await op(); } catch (error) { throw new Wrapped(error); }\n  }\n}`,
    // Near miss: the server says how long to wait.
    `async function upload(retries = 0) {\n  try { return await put(); }\n  catch (error) { await sleep(error.retryAfter * 1_000); return upload(retries + 1); }\n}`,
    // Near miss: recursion over a new input is a walk, not a retry.
    `function findUp(dir) {\n  try { return readPackage(dir); }\n  catch { return findUp(resolve(dir, '..')); }\n}`,
    // A delay from a policy object we cannot see is its business.
    `async function get() {\n  while (!stopped) {\n    try { return await op(); } catch { await sleep(backoff.next()); }\n  }\n}`,
    {
      code: `async function get() { const r = op().catch(() => get()); return r; }`,
      options: [{ checkRecursion: false }],
    },
  ],
  invalid: [
    {
      code: `async function get() {\n  while (true) {\n    try {\n      return await op();\n    } catch {}\n  }\n}`,
      errors: [
        {
          messageId: 'noDelay',
          line: 2,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { retry } from 'cancel-safe';\nasync function get() {\n  return await retry(() => op(), { retries: 5, minDelay: 100, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
        { messageId: 'unboundedRetries', line: 2, suggestions: [] },
      ],
    },
    {
      code: `import { setTimeout as sleep } from 'node:timers/promises';\nasync function get() {\n  for (let i = 0; i < 3; i++) {\n    try {\n      return await op();\n    } catch (error) {\n      if (i === 2) throw error;\n      await sleep(1000);\n    }\n  }\n}`,
      errors: [
        {
          messageId: 'constantDelay',
          line: 8,
          data: { delay: '1000' },
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { setTimeout as sleep } from 'node:timers/promises';\nimport { retry } from 'cancel-safe';\nasync function get() {\n  return await retry(() => op(), { retries: 2, minDelay: 1000, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
      ],
    },
    {
      code: `async function connect() {\n  let delay = 500;\n  for (let attempt = 0; attempt < 10; attempt++) {\n    try {\n      client = await open();\n      break;\n    } catch {\n      await sleep(delay);\n      delay *= 2;\n    }\n  }\n}`,
      errors: [
        {
          messageId: 'uncappedDelay',
          line: 8,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { retry } from 'cancel-safe';\nasync function connect() {\n  let delay = 500;\n  client = await retry(() => open(), { retries: 9, minDelay: 500, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
      ],
    },
    {
      // A constant variable is a constant delay; logging in the catch means no rewrite.
      code: `const RETRY_MS = 2000;\nasync function get() {\n  do {\n    try { return await op(); }\n    catch (e) { log(e); await new Promise((r) => setTimeout(r, RETRY_MS)); }\n  } while (true);\n}`,
      errors: [
        { messageId: 'unboundedRetries', line: 3, suggestions: [] },
        { messageId: 'constantDelay', line: 5, suggestions: [] },
      ],
    },
    {
      // A signal check bounds the loop; the delay is still constant.
      code: `async function poll(signal) {\n  while (true) {\n    if (signal.aborted) return;\n    try { return await op(); } catch { await sleep(250); }\n  }\n}`,
      errors: [{ messageId: 'constantDelay', line: 4, suggestions: [] }],
    },
    {
      code: `async function fetchWithRetry(url, attempt = 0) {\n  try {\n    return await fetch(url);\n  } catch (error) {\n    if (attempt > 3) throw error;\n    return fetchWithRetry(url, attempt + 1);\n  }\n}`,
      errors: [{ messageId: 'noDelay', line: 6 }],
    },
    {
      code: `class Client {\n  async connect() {\n    try { await this.socket.open(); }\n    catch { setTimeout(() => this.connect(), 5000); }\n  }\n}`,
      errors: [{ messageId: 'constantDelay', line: 4, data: { delay: '5000' } }],
    },
    {
      code: `function load(url, wait = 100) {\n  return get(url).catch(() => sleep(wait).then(() => load(url, wait * 2)));\n}`,
      errors: [{ messageId: 'uncappedDelay', line: 2, data: { delay: 'wait' } }],
    },
    {
      code: `async function get() {\n  let delay = 100;\n  for (;;) {\n    try { return await op(); }\n    catch { await delayMs(delay); delay += 100; }\n  }\n}`,
      options: [{ delayFunctions: ['delayMs'] }],
      errors: [
        { messageId: 'unboundedRetries', line: 3, suggestions: [] },
        {
          messageId: 'uncappedDelay',
          line: 5,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { retry } from 'cancel-safe';\nasync function get() {\n  let delay = 100;\n  return await retry(() => op(), { retries: 5, minDelay: 100, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
      ],
    },
    {
      code: `import * as timers from 'timers/promises';\nasync function get() {\n  let n = 0;\n  while (n < 8) {\n    try { return await op(); }\n    catch { n++; await timers.setTimeout(100 * 2 ** n); }\n  }\n}`,
      errors: [
        {
          messageId: 'uncappedDelay',
          line: 6,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import * as timers from 'timers/promises';\nimport { retry } from 'cancel-safe';\nasync function get() {\n  let n = 0;\n  return await retry(() => op(), { retries: 7, minDelay: 100, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
      ],
    },
    {
      // The runtime module setting decides the import.
      code: `async function get() {\n  for (let i = 1; i <= 4; i++) {\n    try { return await op(); }\n    catch { await sleep(300); }\n  }\n}`,
      settings: { 'cancel-safe': { runtimeModule: '@acme/cs' } },
      errors: [
        {
          messageId: 'constantDelay',
          line: 4,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { retry } from '@acme/cs';\nasync function get() {\n  return await retry(() => op(), { retries: 3, minDelay: 300, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
      ],
    },
  ],
});

commonJsTester.run('require-backoff (CommonJS)', rule, {
  valid: [
    `const { retry } = require('cancel-safe');\nmodule.exports = () => retry(() => op(), { retries: 3 });`,
  ],
  invalid: [
    {
      code: `const { sleep } = require('cancel-safe');\nmodule.exports = async function get() {\n  for (let i = 0; i < 5; i++) {\n    try { return await op(); } catch { await sleep(1000); }\n  }\n};`,
      errors: [
        {
          messageId: 'constantDelay',
          line: 4,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `const { sleep, retry } = require('cancel-safe');\nmodule.exports = async function get() {\n  return await retry(() => op(), { retries: 4, minDelay: 1000, maxDelay: 30_000, jitter: true });\n};`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('require-backoff (typed)', rule, {
  valid: [
    `declare function op(): Promise<number>;\ndeclare function sleep(ms: number): Promise<void>;\nexport async function get() {\n  let delay = 100;\n  for (let i = 0; i < 5; i++) {\n    try { return await op(); } catch { await sleep(delay); delay = Math.min(delay * 2, 5000); }\n  }\n  throw new Error('gave up');\n}`,
  ],
  invalid: [
    {
      // Only types know that this `pause()` returns no promise: awaiting it is no delay at all.
      code: `declare function op(): Promise<number>;\ndeclare function pause(ms: number): void;\nexport async function get() {\n  for (let i = 0; i < 3; i++) {\n    try { return await op(); } catch { await pause(1000); }\n  }\n}`,
      errors: [{ messageId: 'noDelay', line: 4, suggestions: [] }],
    },
    {
      code: `declare function op(): Promise<number>;\nexport async function get(): Promise<number> {\n  while (true) {\n    try { return await op(); } catch {}\n  }\n}`,
      errors: [
        {
          messageId: 'noDelay',
          line: 3,
          suggestions: [
            {
              messageId: 'useRetry',
              output: `import { retry } from 'cancel-safe';\ndeclare function op(): Promise<number>;\nexport async function get(): Promise<number> {\n  return await retry(() => op(), { retries: 5, minDelay: 100, maxDelay: 30_000, jitter: true });\n}`,
            },
          ],
        },
        { messageId: 'unboundedRetries', line: 3, suggestions: [] },
      ],
    },
  ],
});
