import rule from '../../rules/src/rules/no-abrupt-exit';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-abrupt-exit', rule, {
  valid: [
    // Exit after the drain was awaited.
    `
      process.once('SIGTERM', async () => {
        await tracker.wait();
        process.exit(0);
      });
    `,
    // Exit in the close callback: the drain is over.
    `process.on('SIGTERM', () => { server.close(() => process.exit(0)); });`,
    // A watchdog: forced exit after a deadline is the correct backstop.
    `
      process.on('SIGTERM', () => {
        setTimeout(() => process.exit(1), 10_000).unref();
        server.close();
      });
    `,
    // Near miss: exit outside any shutdown path (a CLI's usage error).
    `
      if (!args.config) {
        console.error('missing --config');
        process.exit(2);
      }
    `,
    // Near miss: an 'uncaughtException' handler is not a shutdown signal.
    `process.on('uncaughtException', (error) => { log(error); process.exit(1); });`,
    // Near miss: the await is in the other branch of the if.
    `
      process.on('SIGINT', async () => {
        if (busy) { await drain(); } 
        await flush();
        process.exit(0);
      });
    `,
    // Near miss: a local process object.
    `
      const process = { on() {}, exit() {} };
      process.on('SIGTERM', () => process.exit(0));
    `,
    // Near miss: process.kill of another process is not an exit.
    `process.on('SIGTERM', () => { process.kill(child.pid, 'SIGTERM'); });`,
    // The handler awaits before calling the function that exits.
    `
      async function finish() { process.exit(0); }
      process.on('SIGTERM', async () => { await server.stop(); finish(); });
    `,
    // Exit in the write callback, after the output was flushed.
    `process.stdout.write(report, () => process.exit(0));`,
    // console.log before exit is not reported (TTY output is synchronous; see the docs).
    `console.log(report); process.exit(0);`,
    // A custom shutdown name from the options, drained first.
    {
      code: `async function teardownAll() { await db.end(); process.exit(0); }`,
      options: [{ shutdownFunctions: ['teardownAll'] }],
    },
    // checkWrites off.
    { code: `process.stderr.write(message); process.exit(1);`, options: [{ checkWrites: false }] },
  ],
  invalid: [
    {
      code: `
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
`,
      errors: [
        {
          messageId: 'abruptExit',
          line: 4,
          data: { call: 'process.exit()' },
          suggestions: [
            {
              messageId: 'useExitCode',
              data: { code: '0' },
              output: `
process.on('SIGTERM', () => {
  server.close();
  process.exitCode = 0;
});
`,
            },
          ],
        },
      ],
    },
    // A named handler registered by reference.
    {
      code: `
function shutdown(signal) {
  console.log('got', signal);
  process.exit();
}
process.once('SIGINT', shutdown);
`,
      errors: [
        {
          messageId: 'abruptExit',
          line: 4,
          suggestions: [
            {
              messageId: 'removeExit',
              output: `
function shutdown(signal) {
  console.log('got', signal);
  
}
process.once('SIGINT', shutdown);
`,
            },
          ],
        },
      ],
    },
    // A function named like a shutdown path, never registered in this file.
    {
      code: `
export async function gracefulShutdown() {
  void db.end();
  process.exit(0);
}
`,
      errors: [{ messageId: 'abruptExit', line: 4, suggestions: [{ messageId: 'useExitCode', output: `
export async function gracefulShutdown() {
  void db.end();
  process.exitCode = 0;
}
` }] }],
    },
    // Called from the handler before anything was awaited.
    {
      code: `
const stopAll = () => { queue.pause(); process.exit(0); };
process.on('SIGTERM', () => stopAll());
`,
      errors: [{ messageId: 'abruptExit', line: 2, suggestions: [{ messageId: 'useExitCode', output: `
const stopAll = () => { queue.pause(); process.exitCode = 0; };
process.on('SIGTERM', () => stopAll());
` }] }],
    },
    // Re-raising the signal on itself is as abrupt as exit; no rewrite exists.
    {
      code: `process.once('SIGHUP', () => { process.kill(process.pid, 'SIGHUP'); });`,
      errors: [{ messageId: 'abruptExit', line: 1, data: { call: 'process.kill(process.pid)' }, suggestions: [] }],
    },
    // Through imports and renamed locals.
    {
      code: `
import { exit as quit, on } from 'node:process';
import proc from 'node:process';
proc.on('SIGTERM', () => {
  if (closing) return;
  quit(1);
});
`,
      errors: [{ messageId: 'abruptExit', line: 6, suggestions: [{ messageId: 'useExitCode', data: { code: '1' }, output: `
import { exit as quit, on } from 'node:process';
import proc from 'node:process';
proc.on('SIGTERM', () => {
  if (closing) return;
  process.exitCode = 1;
});
` }] }],
    },
    // Optional chaining and globalThis.
    {
      code: `globalThis.process.on('beforeExit', () => { process?.exit(0); });`,
      errors: [{ messageId: 'abruptExit', line: 1, suggestions: [{ messageId: 'useExitCode', output: `globalThis.process.on('beforeExit', () => { process.exitCode = 0; });` }] }],
    },
    // Not trailing: the rewrite would let the following code run, so no suggestion.
    {
      code: `
process.on('SIGTERM', async () => {
  if (!ready) process.exit(0);
  await server.close();
});
`,
      errors: [{ messageId: 'abruptExit', line: 3, suggestions: [] }],
    },
    // The runtime's onShutdown callback exits before its drain.
    {
      code: `
import { onShutdown } from 'cancel-safe/node';
onShutdown(async ({ tracker }) => {
  process.exit(0);
  await tracker.wait();
});
`,
      errors: [{ messageId: 'abruptExit', line: 4, suggestions: [] }],
    },
    // Output cut off: exit right after writing to stdout.
    {
      code: `
function printReport(report) {
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}
`,
      errors: [
        {
          messageId: 'exitAfterWrite',
          line: 4,
          data: { call: 'process.exit()', write: 'process.stdout.write()' },
          suggestions: [
            {
              messageId: 'useExitCode',
              output: `
function printReport(report) {
  process.stdout.write(JSON.stringify(report));
  process.exitCode = 0;
}
`,
            },
          ],
        },
      ],
    },
    // Through a destructured stderr, not trailing.
    {
      code: `
const { stderr, exit } = process;
if (failed) {
  stderr.write(summary);
  exit(1);
}
run();
`,
      errors: [{ messageId: 'exitAfterWrite', line: 5, suggestions: [] }],
    },
    // A custom shutdown function from the options.
    {
      code: `function teardownAll() { process.exit(0); }`,
      options: [{ shutdownFunctions: ['teardownAll'] }],
      errors: [{ messageId: 'abruptExit', line: 1, suggestions: [{ messageId: 'useExitCode', output: `function teardownAll() { process.exitCode = 0; }` }] }],
    },
    // A class method named like a shutdown path, called as this.shutdown() from the handler.
    {
      code: `
class App {
  start() { process.on('SIGTERM', () => this.shutdown()); }
  shutdown() {
    this.server.close();
    process.exit(0);
  }
}
`,
      errors: [{ messageId: 'abruptExit', line: 6, suggestions: [{ messageId: 'useExitCode', output: `
class App {
  start() { process.on('SIGTERM', () => this.shutdown()); }
  shutdown() {
    this.server.close();
    process.exitCode = 0;
  }
}
` }] }],
    },
  ],
});

commonJsTester.run('no-abrupt-exit (CommonJS)', rule, {
  valid: [
    `
      const closeWithGrace = require('close-with-grace');
      closeWithGrace(async () => { await app.close(); });
    `,
    `process.on('SIGTERM', async () => { await pool.end(); process.exit(0); });`,
  ],
  invalid: [
    {
      code: `
const { exit } = require('process');
process.on('SIGTERM', function () {
  db.close();
  exit(0);
});
`,
      errors: [{ messageId: 'abruptExit', line: 5, suggestions: [{ messageId: 'useExitCode', output: `
const { exit } = require('process');
process.on('SIGTERM', function () {
  db.close();
  process.exitCode = 0;
});
` }] }],
    },
  ],
});

typedTester.run('no-abrupt-exit (typed)', rule, {
  valid: [
    // With types, a write() on something that is not a stream is not output that could be cut off.
    `
      declare const cache: { write(key: string): void; end(): void };
      cache.write('k');
      process.exit(0);
    `,
  ],
  invalid: [
    // With types, any Writable counts, whatever its name.
    {
      code: `
import * as fs from 'node:fs';
const sink = fs.createWriteStream('out.log');
sink.end('done');
process.exit(0);
`,
      errors: [{ messageId: 'exitAfterWrite', line: 5, suggestions: [{ messageId: 'useExitCode', output: `
import * as fs from 'node:fs';
const sink = fs.createWriteStream('out.log');
sink.end('done');
process.exitCode = 0;
` }] }],
    },
  ],
});
