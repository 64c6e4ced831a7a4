import { assertDelay, assertFunction, assertSignal, isThenable, RESOLVED } from './internal.js';

const stoppedReason = (): DOMException => new DOMException('The interval was stopped.', 'AbortError');

/**
 * Calls `tick` every `ms` milliseconds, first after `ms` (like `setInterval`), but never two
 * ticks at once: the next tick is scheduled when the previous one settles, `ms` after the
 * previous one started (or at once if it overran). Each tick receives a signal that aborts when
 * the interval is stopped, so `stop()` can wait for a running tick without waiting long.
 *
 * A tick that throws or rejects stops the interval; its error becomes the rejection of `stop()`
 * (and, like an exception in a `setInterval` callback, an unhandled rejection if nobody calls
 * `stop()`). A rejection with the stop signal's own reason is the tick honouring the stop, not
 * an error.
 *
 * @param ms - period in milliseconds, `0 <= ms <= 2147483647`.
 * @param tick - the work; receives a signal aborted on stop.
 * @param opts.signal - stops the interval, as `stop()` does. An already-aborted signal means no
 *   tick ever runs.
 * @returns `{ stop }`.
 * @throws RangeError when `ms` is invalid; TypeError when `tick` is not a function.
 * @example
 * ```ts
 * const heartbeat = interval(5_000, (signal) => ping({ signal }));
 * // on shutdown:
 * await heartbeat.stop();
 * ```
 */
export function interval(
  ms: number,
  tick: (signal: AbortSignal) => Promise<void> | void,
  opts?: { signal?: AbortSignal },
): {
  /**
   * Stops the interval: no tick starts any more, the running tick's signal aborts, and the
   * promise resolves once that tick has settled. Idempotent.
   *
   * **Cancel safety:** `stop()` takes no signal; it waits exactly as long as the running tick
   * takes to honour its aborted signal.
   */
  stop(): Promise<void>;
} {
  assertDelay('ms', ms);
  assertFunction('tick', tick);
  const outer = opts?.signal;
  assertSignal(outer);

  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let failure: Promise<void> | undefined;

  const halt = (reason: unknown): void => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    outer?.removeEventListener('abort', onOuterAbort);
    controller.abort(reason);
  };
  const onOuterAbort = (): void => halt(outer!.reason);
  const fail = (error: unknown): void => {
    if (stopped && error === controller.signal.reason) return;
    halt(stoppedReason());
    failure = Promise.reject(error);
  };
  const schedule = (startedAt: number): void => {
    if (stopped) return;
    timer = setTimeout(run, Math.max(0, ms - (Date.now() - startedAt)));
  };
  const run = (): void => {
    timer = undefined;
    const startedAt = Date.now();
    let result: Promise<void> | void;
    try {
      result = tick(controller.signal);
    } catch (error) {
      fail(error);
      return;
    }
    if (!isThenable(result)) {
      schedule(startedAt);
      return;
    }
    running = Promise.resolve(result).then(
      () => {
        running = undefined;
        schedule(startedAt);
      },
      (error: unknown) => {
        running = undefined;
        fail(error);
      },
    );
  };

  if (outer?.aborted) stopped = true;
  else {
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    timer = setTimeout(run, ms);
  }

  return {
    stop(): Promise<void> {
      halt(stoppedReason());
      const settled = running ?? RESOLVED;
      return settled.then(() => failure);
    },
  };
}
