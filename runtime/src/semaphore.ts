import { assertFunction, assertInteger, assertSignal, claim, WaitQueue } from './internal.js';

/**
 * One permit held from a {@link Semaphore}. Release it exactly when the guarded work is done;
 * `release()` is idempotent (a second call does nothing, unlike async-sema where it adds a
 * permit), and `using permit = await sem.acquire()` releases it at the end of the block.
 */
export interface Permit extends Disposable {
  /** Returns the permit to its semaphore. Idempotent. */
  release(): void;
}

class SemaphorePermit implements Permit {
  #release: (() => void) | undefined;
  constructor(release: () => void) {
    this.#release = release;
  }
  release(): void {
    const release = this.#release;
    if (release === undefined) return;
    this.#release = undefined;
    release();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Limits how many operations run at once. FIFO fair: a released permit goes to the
 * longest-waiting acquirer, so a steady stream of `tryAcquire` calls cannot starve a waiter.
 *
 * @example
 * ```ts
 * const db = new Semaphore(10);
 * const rows = await db.run(() => pool.query(sql), { signal });
 * ```
 */
export class Semaphore {
  #available: number;
  readonly #waiters = new WaitQueue<Permit>();
  readonly #release = (): void => {
    const waiter = this.#waiters.head === undefined ? undefined : this.#waiters.take();
    if (waiter === undefined) this.#available++;
    else waiter.resolve(new SemaphorePermit(this.#release));
  };

  /**
   * @param permits - how many holders may hold a permit at once; an integer `>= 1`.
   * @throws RangeError when `permits` is not an integer `>= 1` (TypeError when not a number).
   */
  constructor(permits: number) {
    assertInteger('permits', permits, 1);
    this.#available = permits;
  }

  /** Permits free right now. */
  get available(): number {
    return this.#available;
  }

  /**
   * Waits for a permit, in FIFO order with other acquirers.
   *
   * **Cancel safety:** cancel-safe. If `opts.signal` aborts while waiting, no permit is held and
   * the place in the queue is given up: the promise rejects with `signal.reason` and the abort
   * listener is removed. Once the promise resolves, the caller owns the permit and must release it.
   *
   * @param opts.signal - gives up waiting.
   * @returns the permit.
   * @example
   * ```ts
   * using permit = await semaphore.acquire({ signal });
   * await upload(file, { signal });
   * ```
   */
  acquire(opts?: { signal?: AbortSignal }): Promise<Permit> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#available > 0 && this.#waiters.head === undefined) {
      if (signal !== undefined && !claim(signal)) return Promise.reject(signal.reason);
      this.#available--;
      return Promise.resolve(new SemaphorePermit(this.#release));
    }
    return this.#waiters.enqueue(signal);
  }

  /**
   * Takes a permit only if one is free and nobody is waiting (fairness).
   *
   * @returns the permit, or `undefined`.
   * @example
   * ```ts
   * const permit = semaphore.tryAcquire();
   * if (permit === undefined) return reply(429);
   * ```
   */
  tryAcquire(): Permit | undefined {
    if (this.#available > 0 && this.#waiters.head === undefined) {
      this.#available--;
      return new SemaphorePermit(this.#release);
    }
    return undefined;
  }

  /**
   * Acquires a permit, runs `fn`, and releases the permit when the promise `fn` returned settles
   * (not earlier: the slot stays taken while the work runs, unlike p-queue's `timeout`).
   *
   * **Cancel safety:** while waiting for the permit, an abort of `opts.signal` leaves nothing
   * behind and `fn` never runs. Once `fn` has started the signal is not consulted again: pass it
   * to `fn` yourself if the work should stop too.
   *
   * @param fn - the work to run under the permit.
   * @param opts.signal - gives up waiting for the permit.
   * @returns the value of `fn`.
   * @throws TypeError when `fn` is not a function.
   * @example
   * ```ts
   * const body = await semaphore.run(() => fetch(url, { signal }).then((r) => r.text()), { signal });
   * ```
   */
  run<T>(fn: () => Promise<T>, opts?: { signal?: AbortSignal }): Promise<T> {
    assertFunction('fn', fn);
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#available > 0 && this.#waiters.head === undefined) {
      if (signal !== undefined && !claim(signal)) return Promise.reject(signal.reason);
      this.#available--;
      return runHolding(fn, this.#release);
    }
    return this.#waiters.enqueue(signal).then((permit) => runHolding(fn, () => permit.release()));
  }
}

function runHolding<T>(fn: () => Promise<T>, release: () => void): Promise<T> {
  let result: Promise<T>;
  try {
    result = Promise.resolve(fn());
  } catch (error) {
    release();
    return Promise.reject(error);
  }
  return result.then(
    (value) => {
      release();
      return value;
    },
    (error: unknown) => {
      release();
      throw error;
    },
  );
}
