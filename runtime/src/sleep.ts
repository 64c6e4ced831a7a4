import { assertDelay, assertSignal, onAbort } from './internal.js';

/**
 * Resolves after `ms` milliseconds, or rejects with `opts.signal.reason` as soon as the signal
 * aborts.
 *
 * Unlike `new Promise((r) => setTimeout(r, ms))`, an aborted sleep clears its timer, so a
 * cancelled wait does not hold the event loop open until the delay has passed.
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
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const detach = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal!.reason);
    });
    const timer = setTimeout(() => {
      detach();
      resolve();
    }, ms);
  });
}
