import { assertDelay, assertSignal, claim } from './internal.js';

/**
 * Resolves after `ms` milliseconds, or rejects with `opts.signal.reason` as soon as the signal
 * aborts.
 *
 * Unlike `new Promise((r) => setTimeout(r, ms))`, an aborted sleep clears its timer, so a
 * cancelled wait does not hold the event loop open until the delay has passed. A sleep that is
 * not aborted keeps a Node process alive, as `setTimeout` does: it is work the caller waits for.
 *
 * **Cancel safety:** cancel-safe. An abort clears the timer and removes the abort listener;
 * nothing is left behind, so `sleep` may be raced or used as a `select` branch freely.
 *
 * @param ms - delay in milliseconds, `0 <= ms <= 2147483647`.
 * @param opts.signal - aborts the sleep.
 * @returns a promise that resolves to `undefined` after the delay.
 * @throws RangeError when `ms` is not a valid delay.
 *
 * @example
 * ```ts
 * await sleep(250, { signal: token.signal });
 * ```
 */
export function sleep(ms: number, opts?: { signal?: AbortSignal }): Promise<void> {
  assertDelay('ms', ms);
  const signal = opts?.signal;
  assertSignal(signal);
  if (signal === undefined) return new Promise<void>((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      // Under select(), the sleep claims the win as its timer fires, before any other branch.
      if (claim(signal)) resolve();
      else reject(signal.reason);
    }, ms);
  });
}
