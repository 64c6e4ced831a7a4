import { TimeoutError } from './errors.js';
import { assertDelay, assertFunction, assertSignal, onAbort, unrefTimer } from './internal.js';

/**
 * Runs `op` with a deadline. If `op` has not settled after `ms` milliseconds, the signal handed
 * to `op` is aborted with a {@link TimeoutError} and the returned promise rejects with that same
 * error. The timer is cleared the moment `op` settles, so a fast operation leaves no timer behind
 * and a Node process can exit right after it.
 *
 * This is the safe form of `Promise.race([op(), timer])`, which neither clears the timer when
 * the operation wins nor stops the operation when the timer wins.
 *
 * In Node the deadline timer is `unref()`ed: a deadline is not work, so it never keeps the process
 * alive on its own. The pending work of `op` (a socket, a child process) does; if `op` waits on
 * nothing that holds the event loop open (a bare `new Promise(() => {})`), the process may exit
 * before the deadline fires, exactly as it would without the timeout.
 *
 * **Cancel safety:** aborting `opts.signal` aborts `op`'s signal with `opts.signal.reason`,
 * clears the timer and rejects with that reason. Whether `op` itself leaves work behind depends
 * on `op` honouring its signal.
 *
 * @param ms - deadline in milliseconds, `0 <= ms <= 2147483647`.
 * @param op - the operation; it receives an AbortSignal that aborts on timeout or outer abort.
 * @param opts.signal - an outer signal that cancels the operation early.
 * @returns the value of `op`.
 * @throws RangeError when `ms` is not a valid delay; TypeError when `op` is not a function.
 *
 * @example
 * ```ts
 * const response = await timeout(5_000, (signal) => fetch(url, { signal }));
 * ```
 */
export function timeout<T>(
  ms: number,
  op: (signal: AbortSignal) => Promise<T>,
  opts?: { signal?: AbortSignal },
): Promise<T> {
  assertDelay('ms', ms);
  assertFunction('op', op);
  const outer = opts?.signal;
  assertSignal(outer);
  if (outer?.aborted) return Promise.reject(outer.reason);

  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      detach();
      return true;
    };
    const fail = (reason: unknown): void => {
      if (!finish()) return;
      controller.abort(reason);
      reject(reason);
    };
    const detach = onAbort(outer, () => fail(outer!.reason));
    const timer = unrefTimer(() => fail(new TimeoutError(`The operation timed out after ${ms} ms.`)), ms);

    let result: Promise<T>;
    try {
      result = Promise.resolve(op(controller.signal));
    } catch (error) {
      fail(error);
      return;
    }
    result.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}
