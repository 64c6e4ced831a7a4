/// <reference types="node" />
/**
 * `cancel-safe/node`: helpers that need Node's `process`. The core entry (`cancel-safe`) imports
 * no `node:` module so it runs in browsers, Deno and Bun; this subpath is for Node servers.
 */
import { constants } from 'node:os';
import process from 'node:process';
import { CancellationToken } from './cancellation-token.js';
import { TimeoutError } from './errors.js';
import { assertDelay, assertFunction, rangeError, typeError, unrefTimer } from './internal.js';
import { TaskTracker } from './task-tracker.js';

export { CancellationToken } from './cancellation-token.js';
export { TaskTracker } from './task-tracker.js';

/** What a shutdown handler receives. */
export interface ShutdownContext {
  /** The name of the signal that started the shutdown, e.g. `'SIGTERM'`. */
  signal: string;
  /** Cancelled (with an `AbortError` naming the signal) before the handler runs. */
  token: CancellationToken;
  /** Closed before the handler runs; the shutdown waits for its tasks. */
  tracker: TaskTracker;
}

/** Options of {@link onShutdown}. */
export interface ShutdownOptions {
  /** Signals that start the shutdown. @default ['SIGTERM', 'SIGINT'] */
  signals?: string[];
  /** Deadline in ms for the handler and the tracked tasks together. @default 30_000 */
  timeout?: number;
  /** Call `process.exit()` once the shutdown is over or its deadline has passed, even if sockets or timers are still open. @default false */
  exit?: boolean;
}

/**
 * Graceful shutdown, as Tokio's guide describes it: on the first of `signals`, cancel the token
 * (every request and loop holding `token.signal` or a child stops), close the tracker, run
 * `handler` (close servers, flush), and wait for the tracker's tasks, all within the deadline.
 * Then set `process.exitCode` (`0` if everything finished in time and the handler did not throw,
 * else `1`) and, with `exit: true`, exit. A second signal exits at once with `128 + signal number`
 * (130 for SIGINT, 143 for SIGTERM), for the operator who presses Ctrl+C twice.
 *
 * **Cancel safety:** the token is cancelled before the handler runs, so every operation holding
 * `token.signal` (or a child's) is aborted at once; the tracker's tasks are then awaited, not
 * cut off, until the deadline. `done` takes no signal: `dispose()` is how to stop listening.
 *
 * Installing a listener replaces Node's default "die on SIGTERM/SIGINT"; `dispose()` removes the
 * listeners and restores it.
 *
 * @param handler - runs once, after the token is cancelled and the tracker closed.
 * @param opts - see {@link ShutdownOptions}.
 * @returns `token` and `tracker` to hand to your code, `done` (settles when the shutdown is over:
 *   rejects with the handler's error, resolves otherwise, including on deadline) and `dispose()`.
 * @throws TypeError/RangeError on invalid arguments (unknown signal names included).
 * @example
 * ```ts
 * const { token, tracker } = onShutdown(async () => {
 *   await new Promise((resolve) => server.close(resolve));
 * }, { timeout: 10_000 });
 * server.on('request', (req, res) => void tracker.spawn(() => handle(req, res, token.signal)));
 * ```
 */
export function onShutdown(
  handler: (ctx: ShutdownContext) => Promise<void> | void,
  opts?: ShutdownOptions,
): { token: CancellationToken; tracker: TaskTracker; done: Promise<void>; dispose(): void } {
  assertFunction('handler', handler);
  const signals = opts?.signals ?? ['SIGTERM', 'SIGINT'];
  if (!Array.isArray(signals) || signals.length === 0) throw typeError('opts.signals', 'a non-empty array of signal names', signals);
  for (const name of signals) {
    if (typeof name !== 'string' || !Object.hasOwn(constants.signals, name)) {
      throw rangeError('opts.signals', `signal names such as 'SIGTERM' (see os.constants.signals)`, name);
    }
  }
  const deadline = opts?.timeout ?? 30_000;
  assertDelay('opts.timeout', deadline);
  const exit = opts?.exit ?? false;
  if (typeof exit !== 'boolean') throw typeError('opts.exit', 'a boolean', exit);

  const token = new CancellationToken();
  const tracker = new TaskTracker();
  let received: string | undefined;
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));

  const listener = (name: string): void => {
    if (received !== undefined) {
      // The operator asked twice: the documented contract is to stop waiting for the drain.
      // eslint-disable-next-line cancel-safe/no-abrupt-exit
      process.exit(128 + (constants.signals[name as NodeJS.Signals] ?? 0));
    }
    received = name;
    void shutdown(name);
  };
  const dispose = (): void => {
    for (const name of signals) process.removeListener(name, listener);
  };
  for (const name of signals) process.on(name, listener);

  async function shutdown(name: string): Promise<void> {
    token.cancel(new DOMException(`Received ${name}: shutting down.`, 'AbortError'));
    tracker.close();
    const expired = new AbortController();
    const timer = unrefTimer(
      () => expired.abort(new TimeoutError(`Shutdown did not finish within ${deadline} ms: ${tracker.size} tracked task(s) still running.`)),
      deadline,
    );
    let handlerFailed = false;
    let handlerError: unknown;
    let timedOut = false;
    try {
      await untilAborted(Promise.resolve().then(() => handler({ signal: name, token, tracker })), expired.signal);
    } catch (error) {
      if (error === expired.signal.reason) timedOut = true;
      else {
        handlerFailed = true;
        handlerError = error;
      }
    }
    if (!timedOut) {
      await tracker.wait({ signal: expired.signal }).catch(() => {
        timedOut = true;
      });
    }
    clearTimeout(timer);
    process.exitCode = handlerFailed || timedOut ? 1 : (process.exitCode ?? 0);
    if (handlerFailed) settle.reject(handlerError);
    else settle.resolve();
    // Give `done`'s reactions (and Node's report of an unhandled handler error) a turn first.
    if (exit) setImmediate(() => process.exit());
  }

  return { token, tracker, done, dispose };
}

/** `promise`, or a rejection with `signal.reason` as soon as `signal` aborts (listener removed either way). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
