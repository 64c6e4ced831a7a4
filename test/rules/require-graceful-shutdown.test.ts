import rule from '../../rules/src/rules/require-graceful-shutdown';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('require-graceful-shutdown', rule, {
  valid: [
    // SIGTERM handled directly.
    `
      import http from 'node:http';
      const server = http.createServer(handler);
      server.listen(3000);
      process.once('SIGTERM', () => server.close());
    `,
    // SIGTERM handled through the runtime (the /node subpath).
    `
      import { onShutdown } from 'cancel-safe/node';
      const server = app.listen(3000);
      onShutdown(async () => { await new Promise((resolve) => server.close(resolve)); });
    `,
    // Signals registered from a literal array.
    `
      const server = app.listen(port);
      for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close());
    `,
    `
      const server = app.listen(port);
      ['SIGINT', 'SIGTERM'].forEach((signal) => process.once(signal, () => server.close()));
    `,
    // close-with-grace and terminus register SIGTERM for the file.
    `
      import closeWithGrace from 'close-with-grace';
      await app.listen({ port: 3000 });
      closeWithGrace(async () => { await app.close(); });
    `,
    `
      const { createTerminus } = require('@godaddy/terminus');
      const server = http.createServer(app);
      createTerminus(server, { onSignal: () => db.end() });
      server.listen(3000);
    `,
    // NestJS registers the signals itself.
    `
      const app = await NestFactory.create(AppModule);
      app.enableShutdownHooks();
      await app.listen(3000);
    `,
    // A library module that only exports a function starting a server: the caller owns shutdown.
    `
      import http from 'node:http';
      export function startServer(port: number) {
        const server = http.createServer(handler);
        server.listen(port);
        return server;
      }
    `,
    // Near miss: vscode-languageserver's documents.listen(connection) is not a server.
    `
      documents.listen(connection);
      connection.listen();
    `,
    // Near miss: an unref()ed interval does not keep the process alive.
    `setInterval(() => refreshCache(), 60_000).unref();`,
    `
      const timer = setInterval(report, 1000);
      timer.unref();
    `,
    // Near miss: a loop that breaks when the stream ends is not endless.
    `
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        handle(value);
      }
    `,
    // Near miss: an endless loop with no await is not a consumer (and would block, not linger).
    `for (;;) { tick(); if (stop) break; }`,
    // Near miss: a browser Worker (global) is not a worker thread.
    `const worker = new Worker('worker.js');`,
    // Near miss: setInterval shadowed by a local helper.
    `
      function setInterval(fn, ms) { return fn; }
      setInterval(poll, 1000);
    `,
    // Test files are not program entries.
    { code: `const server = app.listen(3000);`, filename: 'src/server.test.ts' },
    { code: `const server = app.listen(3000);`, filename: 'src/__tests__/server.ts' },
    // Only SIGTERM handled is fine (SIGINT is for terminals).
    `
      const server = app.listen(3000);
      process.on('SIGTERM', shutdown);
    `,
    // A function defined but never called from the entry.
    `
      async function main() { setInterval(poll, 1000); }
      export { main };
    `,
  ],
  invalid: [
    // A function declared above the destructuring that renames cluster's fork still calls it.
    {
      code: `
function start() {
  spawnWorker();
}
const { fork: spawnWorker } = require('node:cluster');
start();
`,
      errors: [{ messageId: 'missingShutdown', line: 3, suggestions: [] }],
    },
    {
      code: `
import http from 'node:http';
const server = http.createServer(handler);
server.listen(3000);
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 4,
          data: { resource: '`server.listen()`', handled: '' },
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import http from 'node:http';
import { onShutdown } from 'cancel-safe/node';
const server = http.createServer(handler);
server.listen(3000);
onShutdown(async () => {
  await new Promise((resolve) => server.close(resolve));
});
`,
            },
          ],
        },
      ],
    },
    // express: the app has no close(), the server listen() returns does.
    {
      code: `
import express from 'express';
const app = express();
const server = app.listen(process.env.PORT ?? 3000);
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 4,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import express from 'express';
import { onShutdown } from 'cancel-safe/node';
const app = express();
const server = app.listen(process.env.PORT ?? 3000);
onShutdown(async () => {
  await new Promise((resolve) => server.close(resolve));
});
`,
            },
          ],
        },
      ],
    },
    // express without a kept server: reported, but there is nothing the fix could close.
    {
      code: `
import express from 'express';
const app = express();
app.listen(3000, () => console.log('up'));
`,
      errors: [{ messageId: 'missingShutdown', line: 4, suggestions: [] }],
    },
    // fastify: close() returns a promise.
    {
      code: `
import Fastify from 'fastify';
const fastify = Fastify();
await fastify.listen({ port: 3000 });
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 4,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import Fastify from 'fastify';
import { onShutdown } from 'cancel-safe/node';
const fastify = Fastify();
await fastify.listen({ port: 3000 });
onShutdown(async () => {
  await fastify.close();
});
`,
            },
          ],
        },
      ],
    },
    // In a main() called from the top level; the interval and the server are closed in reverse order.
    {
      code: `
async function main() {
  const timer = setInterval(flushMetrics, 10_000);
  const server = createServer(app);
  server.listen(port);
}
main().catch(console.error);
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 3,
          data: { resource: '`setInterval()`', handled: '' },
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import { onShutdown } from 'cancel-safe/node';
async function main() {
  const timer = setInterval(flushMetrics, 10_000);
  const server = createServer(app);
  server.listen(port);
  onShutdown(async () => {
    await new Promise((resolve) => server.close(resolve));
    clearInterval(timer);
  });
}
main().catch(console.error);
`,
            },
          ],
        },
        {
          messageId: 'missingShutdown',
          line: 5,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import { onShutdown } from 'cancel-safe/node';
async function main() {
  const timer = setInterval(flushMetrics, 10_000);
  const server = createServer(app);
  server.listen(port);
  onShutdown(async () => {
    await new Promise((resolve) => server.close(resolve));
    clearInterval(timer);
  });
}
main().catch(console.error);
`,
            },
          ],
        },
      ],
    },
    // Only SIGINT handled: the message says SIGTERM is what is missing.
    {
      code: `
const server = app.listen(8080);
process.on('SIGINT', () => server.close());
`,
      errors: [
        {
          messageId: 'missingSigterm',
          line: 2,
          data: { resource: '`app.listen()`', handled: 'SIGINT' },
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import { onShutdown } from 'cancel-safe/node';
const server = app.listen(8080);
onShutdown(async () => {
  await new Promise((resolve) => server.close(resolve));
});
process.on('SIGINT', () => server.close());
`,
            },
          ],
        },
      ],
    },
    // An endless consumer loop in an IIFE: the block goes before the loop (after it never runs).
    {
      code: `
(async () => {
  const timer = setInterval(heartbeat, 5000);
  while (true) {
    const job = await queue.take();
    await handle(job);
  }
})();
`,
      errors: [
        { messageId: 'missingShutdown', line: 3, suggestions: [
          {
            messageId: 'addOnShutdown',
            output: `
import { onShutdown } from 'cancel-safe/node';
(async () => {
  const timer = setInterval(heartbeat, 5000);
  onShutdown(async () => {
    // End the loop on line 4: have it check a flag or signal set here.
    clearInterval(timer);
  });
  while (true) {
    const job = await queue.take();
    await handle(job);
  }
})();
`,
          },
        ] },
        { messageId: 'missingShutdown', line: 4, data: { resource: 'This endless `while (true)` consumer loop', handled: '' }, suggestions: [
          {
            messageId: 'addOnShutdown',
            output: `
import { onShutdown } from 'cancel-safe/node';
(async () => {
  const timer = setInterval(heartbeat, 5000);
  onShutdown(async () => {
    // End the loop on line 4: have it check a flag or signal set here.
    clearInterval(timer);
  });
  while (true) {
    const job = await queue.take();
    await handle(job);
  }
})();
`,
          },
        ] },
      ],
    },
    // Worker threads through a renamed import.
    {
      code: `
import { Worker as Thread } from 'node:worker_threads';
const pool = new Thread('./resize.js');
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 3,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import { Worker as Thread } from 'node:worker_threads';
import { onShutdown } from 'cancel-safe/node';
const pool = new Thread('./resize.js');
onShutdown(async () => {
  await pool.terminate();
});
`,
            },
          ],
        },
      ],
    },
    // cluster through a namespace import; the runtime module comes from settings.
    {
      code: `
import * as cluster from 'node:cluster';
for (let i = 0; i < 4; i++) cluster.fork();
`,
      settings: { 'cancel-safe': { runtimeModule: '@acme/cancel' } },
      errors: [
        {
          messageId: 'missingShutdown',
          line: 3,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import * as cluster from 'node:cluster';
import { onShutdown } from '@acme/cancel/node';
for (let i = 0; i < 4; i++) cluster.fork();
onShutdown(async () => {
  await new Promise((resolve) => cluster.disconnect(resolve));
});
`,
            },
          ],
        },
      ],
    },
    // Started in a .then() callback at the top level; optional chaining on the receiver.
    {
      code: `
db.connect().then(() => {
  server?.listen(PORT);
});
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 3,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import { onShutdown } from 'cancel-safe/node';
db.connect().then(() => {
  server?.listen(PORT);
  onShutdown(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
});
`,
            },
          ],
        },
      ],
    },
    // `timers` setInterval through an alias, not kept: reported without a suggestion.
    {
      code: `
import { setInterval as every } from 'node:timers';
every(() => sync(), 30_000);
`,
      errors: [{ messageId: 'missingShutdown', line: 3, suggestions: [] }],
    },
    // for (;;) consumer at top level (top-level await).
    {
      code: `
for (;;) {
  for await (const message of subscription) ack(message);
}
`,
      errors: [{ messageId: 'missingShutdown', line: 2, data: { resource: 'This endless `for (;;)` consumer loop', handled: '' }, suggestions: [] }],
    },
    // A test-like name outside the default patterns is still a program; custom patterns can exclude it.
    {
      code: `const server = app.listen(3000);`,
      filename: 'scripts/testserver.ts',
      options: [{ ignorePatterns: ['**/fixtures/**'] }],
      errors: [{ messageId: 'missingShutdown', line: 1, suggestions: [
        {
          messageId: 'addOnShutdown',
          output: `const server = app.listen(3000);
onShutdown(async () => {
  await new Promise((resolve) => server.close(resolve));
});`.replace(/^/, `import { onShutdown } from 'cancel-safe/node';\n`),
        },
      ] }],
    },
  ],
});

commonJsTester.run('require-graceful-shutdown (CommonJS)', rule, {
  valid: [
    `
      const { onShutdown } = require('cancel-safe/node');
      const server = require('http').createServer(handler);
      server.listen(3000);
      onShutdown(async () => { await new Promise((resolve) => server.close(resolve)); });
    `,
    `
      const closeWithGrace = require('close-with-grace');
      const app = require('fastify')();
      app.listen({ port: 3000 });
      closeWithGrace(async () => app.close());
    `,
    // Only exports: a library.
    `module.exports = function listen(app) { return app.listen(3000); };`,
    // Regression (louislam/uptime-kuma server/server.js): http-graceful-shutdown registers SIGINT and SIGTERM.
    `
      const gracefulShutdown = require('http-graceful-shutdown');
      server.httpServer.listen(3001);
      gracefulShutdown(server.httpServer, { signals: 'SIGINT SIGTERM', timeout: 30000, onShutdown: shutdownFunction });
    `,
  ],
  invalid: [
    {
      code: `
const http = require('http');
const { onShutdown: _unused } = require('fs');
const server = http.createServer(handler);
server.listen(3000);
`,
      errors: [
        {
          messageId: 'missingShutdown',
          line: 5,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
const http = require('http');
const { onShutdown: _unused } = require('fs');
const { onShutdown } = require('cancel-safe/node');
const server = http.createServer(handler);
server.listen(3000);
onShutdown(async () => {
  await new Promise((resolve) => server.close(resolve));
});
`,
            },
          ],
        },
      ],
    },
    {
      code: `
const { fork } = require('cluster');
if (require.main === module) fork();
`,
      errors: [{ messageId: 'missingShutdown', line: 3, suggestions: [] }],
    },
  ],
});

// Typed cases live under test/ (the default ignorePatterns skip it), so they clear the patterns.
typedTester.run('require-graceful-shutdown (typed)', rule, {
  valid: [
    // With types, a listen() on something that is not a server is not reported even with a port-like argument.
    {
      code: `
        declare const bus: { listen(port: number): void };
        bus.listen(3000);
      `,
      options: [{ ignorePatterns: [] }],
    },
    {
      code: `
        import * as http from 'node:http';
        const server = http.createServer();
        server.listen(3000);
        process.once('SIGTERM', () => server.close());
      `,
      options: [{ ignorePatterns: [] }],
    },
    // Near miss: with types, an EventEmitter-like listen(port) that returns nothing closable.
    {
      code: `
        class Radio { listen(channel: number): number { return channel; } }
        const app = new Radio();
        app.listen(3000);
      `,
      options: [{ ignorePatterns: [] }],
    },
  ],
  invalid: [
    // With types, a server held under any name is recognised.
    {
      code: `
import * as net from 'node:net';
const thing: net.Server = net.createServer();
function boot() {
  thing.listen();
}
boot();
`,
      options: [{ ignorePatterns: [] }],
      errors: [
        {
          messageId: 'missingShutdown',
          line: 5,
          suggestions: [
            {
              messageId: 'addOnShutdown',
              output: `
import * as net from 'node:net';
import { onShutdown } from 'cancel-safe/node';
const thing: net.Server = net.createServer();
function boot() {
  thing.listen();
  onShutdown(async () => {
    await new Promise((resolve) => thing.close(resolve));
  });
}
boot();
`,
            },
          ],
        },
      ],
    },
  ],
});
