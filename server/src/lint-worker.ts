/**
 * The lint worker: a `worker_threads` entry that owns ESLint, the plugins and the parsers, so the
 * server's main thread keeps answering while a lint runs, a stale lint can be abandoned (the main
 * thread terminates a worker that does not stop in time), and a plugin that calls
 * `process.exit()` or throws asynchronously ends this thread only.
 *
 * Located at run time as `path.join(__dirname, 'lint-worker.js')`, next to `server.js` both in
 * `server/dist` (tsc) and in the VS Code client's bundle (a second esbuild entry).
 */
import { parentPort } from 'node:worker_threads';
import { LintCancelled, LintEngine } from './eslint/engine';
import type { FromWorker, LintRequest, ToWorker } from './eslint/protocol';

if (!parentPort) throw new Error('lint-worker.js is a worker_threads entry; the language server starts it (node server/bin/cancel-safe-language-server.js --stdio).');
const port = parentPort;
const post = (message: FromWorker): void => port.postMessage(message);
const engine = new LintEngine((level, message) => post({ type: 'log', level, message }));

const cancelled = new Set<number>();
/** The lint running now; a cancel for any other id arrived after its answer and is dropped. */
let current: number | undefined;

// A plugin's stray async error must not end the thread: report it and keep linting.
process.on('unhandledRejection', (reason) => post({ type: 'log', level: 'error', message: `A plugin left a promise rejection unhandled in the lint worker: ${describe(reason)}` }));
process.on('uncaughtException', (error) => post({ type: 'log', level: 'error', message: `A plugin threw asynchronously in the lint worker: ${describe(error)}` }));

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'lint':
      // The main thread sends the next lint only after this one answered: one at a time.
      void run(message);
      break;
    case 'cancel':
      if (message.id === current) cancelled.add(message.id);
      break;
    case 'invalidate':
      engine.invalidate();
      break;
  }
});

async function run(request: LintRequest): Promise<void> {
  const { id } = request;
  current = id;
  try {
    if (cancelled.has(id)) throw new LintCancelled();
    const outcome = await engine.lint(request.filePath, request.root, request.text, request.settings, () => cancelled.has(id), request.trusted);
    post({ type: 'result', id, outcome });
  } catch (error) {
    if (error instanceof LintCancelled) post({ type: 'cancelled', id });
    else {
      post({
        type: 'result',
        id,
        outcome: {
          messages: [],
          docs: {},
          config: { kind: 'embedded' },
          eslint: { version: 'unknown', source: 'bundled', path: '' },
          notes: [],
          error: { message: `Linting ${request.filePath} failed unexpectedly: ${describe(error)}` },
          durationMs: 0,
        },
      });
    }
  } finally {
    cancelled.delete(id);
    if (current === id) current = undefined;
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
