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
  // Waiters of `acquire` (item undefined) get a Permit; waiters of `run` (item = their fn) get the
  // permit handed straight to their fn, with no Permit object and no extra promise hop.
  readonly #waiters = new WaitQueue<unknown>();
  readonly #release = (): void => {
    const waiter = this.#waiters.head === undefined ? undefined : this.#waiters.take();
    if (waiter === undefined) this.#available++;
    else if (waiter.item === undefined) waiter.resolve(new SemaphorePermit(this.#release));
    else waiter.resolve(this.#runHolding(waiter.item as () => Promise<unknown>));
  };
  // Shared by every run(): each run holds exactly one permit, so "release one" needs no context.
  readonly #releaseAfter = (value: unknown): unknown => {
    this.#release();
    return value;
  };
  readonly #releaseAfterError = (error: unknown): never => {
    this.#release();
    throw error;
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
    return this.#waiters.enqueue(signal) as Promise<Permit>;
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
      return this.#runHolding(fn);
    }
    return this.#waiters.enqueue(signal, fn) as Promise<T>;
  }

  /** Runs `fn` under a permit already taken, and releases it when `fn`'s promise settles. */
  #runHolding<T>(fn: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = Promise.resolve(fn());
    } catch (error) {
      this.#release();
      return Promise.reject(error);
    }
    return result.then(this.#releaseAfter as (value: T) => T, this.#releaseAfterError);
  }
}

