import { assertDelay, assertFunction, assertInteger, assertSignal, MAX_DELAY, rangeError, typeError } from './internal.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Extra attempts after the first. @default 3 */
  retries?: number;
  /** Delay before the first retry, in ms. @default 100 */
  minDelay?: number;
  /** Cap on any delay, in ms (p-retry's default backoff has none). @default 30_000 */
  maxDelay?: number;
  /** Growth of the delay per attempt. @default 2 */
  factor?: number;
  /** Full jitter: each delay is uniform in `[0, delay]`, so clients do not retry in lockstep. @default true */
  jitter?: boolean;
  /** Whether `error` (thrown by attempt `attempt`) is worth retrying. @default every error */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Stops retrying, and the wait between attempts, at once. */
  signal?: AbortSignal;
}

/**
 * Runs `op` until it fulfils, with capped exponential backoff and full jitter between attempts:
 * the delay before retry `n` is `min(maxDelay, minDelay * factor ** (n - 1))`, then (with
 * `jitter`) a uniform random fraction of it.
 *
 * **Cancel safety:** aborting `opts.signal` rejects at once with `signal.reason`, whether an
 * attempt is running (it receives the same signal and should stop) or the backoff timer is
 * waiting (the timer is cleared). No further attempt starts and no listener is left behind.
 *
 * @param op - one attempt; receives the attempt number (from 1) and the signal.
 * @param opts - see {@link RetryOptions}.
 * @returns the value of the first attempt that fulfils; rejects with the last error once
 *   `retries` are exhausted or `retryIf` says no.
 * @throws TypeError/RangeError when an option is invalid (e.g. `maxDelay < minDelay`).
 * @example
 * ```ts
 * const body = await retry((attempt, signal) => fetch(url, { signal }).then(ok), {
 *   retries: 5,
 *   retryIf: (error) => !(error instanceof HttpError && error.status < 500),
 *   signal,
 * });
 * ```
 */
export function retry<T>(op: (attempt: number, signal: AbortSignal) => Promise<T>, opts?: RetryOptions): Promise<T> {
  assertFunction('op', op);
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw typeError('opts', 'an object', opts);
  const retries = opts?.retries ?? 3;
  const minDelay = opts?.minDelay ?? 100;
  const maxDelay = opts?.maxDelay ?? 30_000;
  const factor = opts?.factor ?? 2;
  const jitter = opts?.jitter ?? true;
  const retryIf = opts?.retryIf;
  const outer = opts?.signal;
  assertInteger('opts.retries', retries, 0);
  assertDelay('opts.minDelay', minDelay);
  assertDelay('opts.maxDelay', maxDelay);
  if (maxDelay < minDelay) throw rangeError('opts.maxDelay', `>= opts.minDelay (${minDelay})`, maxDelay);
  if (typeof factor !== 'number' || !(factor >= 1) || !Number.isFinite(factor)) throw rangeError('opts.factor', 'a finite number >= 1', factor);
  if (typeof jitter !== 'boolean') throw typeError('opts.jitter', 'a boolean', jitter);
  if (retryIf !== undefined) assertFunction('opts.retryIf', retryIf);
  assertSignal(outer);
  if (outer?.aborted) return Promise.reject(outer.reason);
  const signal = outer ?? new AbortController().signal;

  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const finish = (): boolean => {
      if (finished) return false;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (finish()) reject(outer!.reason);
    };
    outer?.addEventListener('abort', onAbort, { once: true });

    const attempt = (n: number): void => {
      timer = undefined;
      let result: Promise<T>;
      try {
        result = Promise.resolve(op(n, signal));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => {
          if (finish()) resolve(value);
        },
        (error: unknown) => {
          if (finished) return;
          let again = n <= retries;
          if (again && retryIf !== undefined) {
            try {
              again = retryIf(error, n) === true;
            } catch (retryIfError) {
              if (finish()) reject(retryIfError);
              return;
            }
          }
          if (!again) {
            if (finish()) reject(error);
            return;
          }
          const cap = Math.min(maxDelay, minDelay * factor ** (n - 1), MAX_DELAY);
          timer = setTimeout(attempt, jitter ? Math.random() * cap : cap, n + 1);
        },
      );
    };
    attempt(1);
  });
}
