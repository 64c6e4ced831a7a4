import rule from '../../rules/src/rules/require-shutdown-timeout';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('require-shutdown-timeout', rule, {
  valid: [
    // A deadline around the drain.
    `
      import { timeout } from 'cancel-safe';
      process.once('SIGTERM', async () => {
        await timeout(10_000, () => tracker.wait());
        process.exitCode = 0;
      });
    `,
    // A watchdog armed in the handler.
    `
      process.on('SIGTERM', async () => {
        setTimeout(() => process.exit(1), 10_000).unref();
        await new Promise((resolve) => server.close(resolve));
        await pool.end();
      });
    `,
    // The watchdog is in the handler that calls shutdown().
    `
      async function shutdown() { await server.close(); }
      process.on('SIGTERM', () => {
        setTimeout(() => process.kill(process.pid, 'SIGKILL'), 5000).unref();
        shutdown();
      });
    `,
    // The runtime's onShutdown has its own deadline (timeout, default 30 s).
    `
      import { onShutdown } from 'cancel-safe/node';
      onShutdown(async ({ tracker }) => { await tracker.wait(); await pool.end(); });
    `,
    // close-with-grace bounds its callback with its delay.
    `
      import closeWithGrace from 'close-with-grace';
      closeWithGrace({ delay: 500 }, async () => { await app.close(); });
    `,
    // The drain receives its own deadline.
    `process.on('SIGTERM', async () => { await tracker.wait({ signal: AbortSignal.timeout(5000) }); });`,
    // Near miss: the same drain outside a shutdown path (a request handler).
    `app.post('/reload', async () => { await pool.end(); });`,
    // Near miss: a drain that nothing waits for.
    `process.on('SIGTERM', () => { server.close(); });`,
    // Near miss: awaited work that is not a drain.
    `process.on('SIGTERM', async () => { await log.info('bye'); });`,
    // Near miss: Promise shadowed by a local.
    `
      const Promise = { all: (xs) => xs };
      process.on('SIGINT', async () => { await Promise.all(tasks); });
    `,
    // Regression (nodejs/undici test/http2-request-never-settles.js): a shutdown() method attached
    // to a test server is that object's cleanup, not the program's shutdown path.
    `
      server.shutdown = async () => {
        for (const session of sessions) session.destroy();
        await new Promise((resolve) => server.close(resolve));
      };
    `,
    // Near miss: an empty close callback waits for nothing.
    `process.on('SIGTERM', () => { server.close(() => {}); });`,
  ],
  invalid: [
    {
      code: `
process.on('SIGTERM', async () => {
  await tracker.wait();
  process.exitCode = 0;
});
`,
      errors: [
        {
          messageId: 'noDeadline',
          line: 3,
          data: { drain: 'tracker.wait()' },
          suggestions: [
            {
              messageId: 'wrapInTimeout',
              data: { ms: '10_000' },
              output: `
import { timeout } from 'cancel-safe';
process.on('SIGTERM', async () => {
  await timeout(10_000, () => tracker.wait());
  process.exitCode = 0;
});
`,
            },
            {
              messageId: 'addWatchdog',
              data: { ms: '10_000' },
              output: `
process.on('SIGTERM', async () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  await tracker.wait();
  process.exitCode = 0;
});
`,
            },
          ],
        },
      ],
    },
    // new Promise(r => server.close(r)) in a named shutdown function.
    {
      code: `
async function gracefulShutdown() {
  await new Promise((resolve) => server.close(resolve));
}
`,
      errors: [
        {
          messageId: 'noDeadline',
          line: 3,
          data: { drain: 'server.close()' },
          suggestions: [
            {
              messageId: 'wrapInTimeout',
              output: `
import { timeout } from 'cancel-safe';
async function gracefulShutdown() {
  await timeout(10_000, () => new Promise((resolve) => server.close(resolve)));
}
`,
            },
            {
              messageId: 'addWatchdog',
              output: `
async function gracefulShutdown() {
  setTimeout(() => process.exit(1), 10_000).unref();
  await new Promise((resolve) => server.close(resolve));
}
`,
            },
          ],
        },
      ],
    },
    // Promise.allSettled over tasks; the runtime module and timeoutMs come from settings/options.
    {
      code: `
import { sleep } from '@acme/cancel';
process.once('SIGINT', async () => {
  await Promise.allSettled(inFlight);
});
`,
      settings: { 'cancel-safe': { runtimeModule: '@acme/cancel' } },
      options: [{ timeoutMs: 2500 }],
      errors: [
        {
          messageId: 'noDeadline',
          line: 4,
          data: { drain: 'Promise.allSettled()' },
          suggestions: [
            {
              messageId: 'wrapInTimeout',
              data: { ms: '2_500' },
              output: `
import { sleep, timeout } from '@acme/cancel';
process.once('SIGINT', async () => {
  await timeout(2_500, () => Promise.allSettled(inFlight));
});
`,
            },
            {
              messageId: 'addWatchdog',
              data: { ms: '2_500' },
              output: `
import { sleep } from '@acme/cancel';
process.once('SIGINT', async () => {
  setTimeout(() => process.exit(1), 2_500).unref();
  await Promise.allSettled(inFlight);
});
`,
            },
          ],
        },
      ],
    },
    // The classic hang: close(callback) waits for every keep-alive connection.
    {
      code: `
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
`,
      errors: [
        {
          messageId: 'noDeadline',
          line: 3,
          suggestions: [
            {
              messageId: 'addWatchdog',
              output: `
process.on('SIGTERM', () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => process.exit(0));
});
`,
            },
          ],
        },
      ],
    },
    // Returned and .then()-chained drains; a function the handler calls.
    {
      code: `
function stopWorkers() { return worker.terminate(); }
process.on('SIGTERM', () => { stopWorkers(); });
`,
      errors: [
        {
          messageId: 'noDeadline',
          line: 2,
          suggestions: [
            {
              messageId: 'wrapInTimeout',
              output: `
import { timeout } from 'cancel-safe';
function stopWorkers() { return timeout(10_000, () => worker.terminate()); }
process.on('SIGTERM', () => { stopWorkers(); });
`,
            },
            {
              messageId: 'addWatchdog',
              output: `
function stopWorkers() { setTimeout(() => process.exit(1), 10_000).unref(); return worker.terminate(); }
process.on('SIGTERM', () => { stopWorkers(); });
`,
            },
          ],
        },
      ],
    },
    {
      code: `process.on('SIGTERM', () => pool.end().then(() => process.exit(0)));`,
      errors: [
        {
          messageId: 'noDeadline',
          line: 1,
          suggestions: [
            {
              messageId: 'wrapInTimeout',
              output: `import { timeout } from 'cancel-safe';\nprocess.on('SIGTERM', () => timeout(10_000, () => pool.end()).then(() => process.exit(0)));`,
            },
          ],
        },
      ],
    },
    // Through import process from 'node:process', optional chaining, and a class method named shutdown.
    {
      code: `
import proc from 'node:process';
class Service {
  async shutdown() {
    await this.queue?.onIdle();
  }
}
proc.on('SIGTERM', () => service.shutdown());
`,
      errors: [{ messageId: 'noDeadline', line: 5, data: { drain: 'this.queue?.onIdle()' }, suggestions: [
        {
          messageId: 'wrapInTimeout',
          output: `
import proc from 'node:process';
import { timeout } from 'cancel-safe';
class Service {
  async shutdown() {
    await timeout(10_000, () => this.queue?.onIdle());
  }
}
proc.on('SIGTERM', () => service.shutdown());
`,
        },
        {
          messageId: 'addWatchdog',
          output: `
import proc from 'node:process';
class Service {
  async shutdown() {
    setTimeout(() => process.exit(1), 10_000).unref();
    await this.queue?.onIdle();
  }
}
proc.on('SIGTERM', () => service.shutdown());
`,
        },
      ] }],
    },
    // The runtime's onShutdown with the deadline switched off.
    {
      code: `
import { onShutdown } from 'cancel-safe/node';
onShutdown(async () => {
  await queue.drain();
}, { timeout: Infinity });
`,
      errors: [{ messageId: 'noDeadline', line: 4, suggestions: [
        {
          messageId: 'wrapInTimeout',
          output: `
import { onShutdown } from 'cancel-safe/node';
import { timeout } from 'cancel-safe';
onShutdown(async () => {
  await timeout(10_000, () => queue.drain());
}, { timeout: Infinity });
`,
        },
        {
          messageId: 'addWatchdog',
          output: `
import { onShutdown } from 'cancel-safe/node';
onShutdown(async () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  await queue.drain();
}, { timeout: Infinity });
`,
        },
      ] }],
    },
    // A custom drain method and a custom shutdown function.
    {
      code: `async function teardown() { await bus.unsubscribeAll(); }`,
      options: [{ drainMethods: ['unsubscribeAll'], shutdownFunctions: ['teardown'] }],
      errors: [{ messageId: 'noDeadline', line: 1, suggestions: [
        { messageId: 'wrapInTimeout', output: `import { timeout } from 'cancel-safe';\nasync function teardown() { await timeout(10_000, () => bus.unsubscribeAll()); }` },
        { messageId: 'addWatchdog', output: `async function teardown() { setTimeout(() => process.exit(1), 10_000).unref(); await bus.unsubscribeAll(); }` },
      ] }],
    },
    // A watchdog in only one of the handlers that reach shutdown() is not enough.
    {
      code: `
async function shutdown() {
  await db.disconnect();
}
process.on('SIGINT', () => { setTimeout(() => process.exit(1), 3000).unref(); shutdown(); });
process.on('SIGTERM', () => shutdown());
`,
      errors: [{ messageId: 'noDeadline', line: 3, suggestions: [
        {
          messageId: 'wrapInTimeout',
          output: `
import { timeout } from 'cancel-safe';
async function shutdown() {
  await timeout(10_000, () => db.disconnect());
}
process.on('SIGINT', () => { setTimeout(() => process.exit(1), 3000).unref(); shutdown(); });
process.on('SIGTERM', () => shutdown());
`,
        },
        {
          messageId: 'addWatchdog',
          output: `
async function shutdown() {
  setTimeout(() => process.exit(1), 10_000).unref();
  await db.disconnect();
}
process.on('SIGINT', () => { setTimeout(() => process.exit(1), 3000).unref(); shutdown(); });
process.on('SIGTERM', () => shutdown());
`,
        },
      ] }],
    },
  ],
});

commonJsTester.run('require-shutdown-timeout (CommonJS)', rule, {
  valid: [
    `
      const { timeout } = require('cancel-safe');
      process.on('SIGTERM', async () => { await timeout(5000, () => pool.end()); });
    `,
  ],
  invalid: [
    {
      code: `
const { promisify } = require('util');
process.on('SIGTERM', async function () {
  await redis.quit();
});
`,
      errors: [{ messageId: 'noDeadline', line: 4, suggestions: [
        {
          messageId: 'wrapInTimeout',
          output: `
const { promisify } = require('util');
const { timeout } = require('cancel-safe');
process.on('SIGTERM', async function () {
  await timeout(10_000, () => redis.quit());
});
`,
        },
        {
          messageId: 'addWatchdog',
          output: `
const { promisify } = require('util');
process.on('SIGTERM', async function () {
  setTimeout(() => process.exit(1), 10_000).unref();
  await redis.quit();
});
`,
        },
      ] }],
    },
  ],
});

typedTester.run('require-shutdown-timeout (typed)', rule, {
  valid: [
    // With types, awaiting a close() that returns nothing waits for nothing.
    `
      declare const cache: { close(): void };
      process.on('SIGTERM', async () => { await cache.close(); });
    `,
  ],
  invalid: [
    {
      code: `
declare const pool: { end(): Promise<void> };
process.on('SIGTERM', async () => {
  await pool.end();
});
`,
      errors: [{ messageId: 'noDeadline', line: 4, suggestions: [
        {
          messageId: 'wrapInTimeout',
          output: `
import { timeout } from 'cancel-safe';
declare const pool: { end(): Promise<void> };
process.on('SIGTERM', async () => {
  await timeout(10_000, () => pool.end());
});
`,
        },
        {
          messageId: 'addWatchdog',
          output: `
declare const pool: { end(): Promise<void> };
process.on('SIGTERM', async () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  await pool.end();
});
`,
        },
      ] }],
    },
  ],
});
