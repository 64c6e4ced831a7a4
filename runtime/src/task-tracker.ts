import { assertFunction, assertSignal, isThenable, RESOLVED, typeError, WaitQueue } from './internal.js';

/**
 * Counts running tasks so that shutdown can wait for them, with tokio-util's semantics:
 * {@link TaskTracker.wait} resolves once the tracker is closed *and* every tracked task has
 * settled. Tasks may still be spawned after `close()` (a request that arrived just before the
 * signal may start a follow-up write), and closing does not cancel anything: pair it with a
 * {@link CancellationToken} for that.
 *
 * **TaskTracker or JoinSet?** A TaskTracker keeps no results (memory stays flat however many
 * tasks pass through it) and only answers "are they all done?"; use it for fire-and-forget work
 * you must not cut off at shutdown (request handlers, background writes). A {@link JoinSet} keeps
 * every result until you join it and can abort its tasks; use it when you need the results, or to
 * cancel the whole group together.
 *
 * @example
 * ```ts
 * const tracker = new TaskTracker();
 * server.on('request', (req, res) => void tracker.spawn(() => handle(req, res)));
 * // on shutdown:
 * tracker.close();
 * await tracker.wait({ signal: AbortSignal.timeout(10_000) });
 * ```
 */
export class TaskTracker {
  #closed = false;
  #size = 0;
  readonly #waiters = new WaitQueue<void>();
  readonly #settle = (): void => {
    this.#size--;
    if (this.#size === 0 && this.#closed) this.#wake();
  };

  /**
   * Runs `task` now and tracks it until the promise it returns settles. Allowed after `close()`.
   *
   * **Cancel safety:** takes no signal and cancels nothing: the task runs to completion and stays
   * counted until it settles. Hand it a token's signal if shutdown should stop it early.
   *
   * @param task - the work; a synchronous throw becomes a rejection.
   * @returns the task's result (a rejection is not swallowed: handle it).
   * @throws TypeError when `task` is not a function.
   * @example
   * ```ts
   * void tracker.spawn(() => flushMetrics()).catch(log);
   * ```
   */
  spawn<T>(task: () => T | Promise<T>): Promise<T> {
    assertFunction('task', task);
    let result: T | Promise<T>;
    try {
      result = task();
    } catch (error) {
      return this.#track(Promise.reject(error));
    }
    return this.#track(Promise.resolve(result));
  }

  /**
   * Tracks an operation that is already running until it settles.
   *
   * **Cancel safety:** as for `spawn`: tracking neither cancels nor waits for anything.
   *
   * @param promise - the operation.
   * @returns a promise with the same outcome.
   * @throws TypeError when `promise` is not a thenable.
   * @example
   * ```ts
   * const saved = tracker.track(db.save(row));
   * ```
   */
  track<T>(promise: PromiseLike<T>): Promise<T> {
    if (!isThenable(promise)) throw typeError('promise', 'a promise or thenable', promise);
    return this.#track(Promise.resolve(promise));
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#size++;
    const settle = this.#settle;
    return promise.then(
      (value) => {
        settle();
        return value;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
  }

  /** Marks the tracker closed: {@link TaskTracker.wait} may now resolve. Spawning is still allowed. */
  close(): void {
    this.#closed = true;
    if (this.#size === 0) this.#wake();
  }

  /** Reopens a closed tracker: pending and future waits wait for the next `close()`. */
  reopen(): void {
    this.#closed = false;
  }

  /** Whether `close()` was called (and not undone by `reopen()`). */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** Tracked tasks not yet settled. */
  get size(): number {
    return this.#size;
  }

  /**
   * Resolves once the tracker is closed and no tracked task is running.
   *
   * **Cancel safety:** cancel-safe. An abort of `opts.signal` (a shutdown deadline) only stops
   * this wait: the tasks keep running and stay tracked, and the listener is removed.
   *
   * @param opts.signal - gives up waiting, e.g. `AbortSignal.timeout(ms)` as a deadline.
   * @returns a promise that resolves when closed and empty.
   * @example
   * ```ts
   * tracker.close();
   * await tracker.wait();
   * ```
   */
  wait(opts?: { signal?: AbortSignal }): Promise<void> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#closed && this.#size === 0) return RESOLVED;
    return this.#waiters.enqueue(signal);
  }

  #wake(): void {
    for (let w = this.#waiters.take(); w !== undefined; w = this.#waiters.take()) w.resolve();
  }
}
