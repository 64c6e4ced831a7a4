import { assertFunction, assertSignal, claim, Deque, RESOLVED, WaitQueue } from './internal.js';

/** The outcome of one task, shaped like `Promise.allSettled`'s entries. */
export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/**
 * A group of tasks whose results you join in completion order, and which you can abort together
 * (tokio's `JoinSet`). Every task receives an AbortSignal that {@link JoinSet.abortAll} aborts;
 * `await using set = new JoinSet()` aborts and awaits whatever is still running when the block
 * ends, so no task outlives its scope.
 *
 * **JoinSet or TaskTracker?** Use a JoinSet when you want the results, or to cancel the whole
 * group at once (fan-out with the first error cancelling the rest, a scope that must not leak
 * tasks). It keeps each result until joined. Use a {@link TaskTracker} for fire-and-forget work you
 * only need to wait for at shutdown: it keeps no results.
 *
 * @typeParam T - the tasks' result type.
 * @example
 * ```ts
 * await using set = new JoinSet<Buffer>();
 * for (const url of mirrors) set.spawn((signal) => download(url, { signal }));
 * for await (const result of set) {
 *   if (result.status === 'fulfilled') { set.abortAll(); return result.value; } // first mirror wins
 * }
 * ```
 */
export class JoinSet<T> {
  #controller: AbortController | undefined = undefined;
  #running = 0;
  #unjoined = 0;
  readonly #done = new Deque<Settled<T>>();
  readonly #joiners = new WaitQueue<Settled<T> | undefined>();
  readonly #idle = new WaitQueue<void>();

  /**
   * Starts `task` now with the set's current signal.
   *
   * @param task - the work; it should stop when its signal aborts. A synchronous throw becomes a
   *   rejected result.
   * @throws TypeError when `task` is not a function.
   * @example
   * ```ts
   * set.spawn((signal) => fetch(url, { signal }).then((r) => r.json()));
   * ```
   */
  spawn(task: (signal: AbortSignal) => Promise<T>): void {
    assertFunction('task', task);
    const signal = (this.#controller ??= new AbortController()).signal;
    this.#running++;
    this.#unjoined++;
    let result: Promise<T>;
    try {
      result = Promise.resolve(task(signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.#complete({ status: 'fulfilled', value }),
      (reason: unknown) => this.#complete({ status: 'rejected', reason }),
    );
  }

  /** Tasks spawned and not yet joined (running or finished). */
  get size(): number {
    return this.#unjoined;
  }

  /**
   * The next task to finish, in completion order; `undefined` when the set has nothing left to join.
   *
   * **Cancel safety:** cancel-safe. If `opts.signal` aborts while waiting, no result is taken: the
   * next result stays in the set for the next join. The promise rejects with `signal.reason` and
   * the listener is removed.
   *
   * @param opts.signal - gives up waiting.
   * @returns the settled result, or `undefined` when empty.
   * @example
   * ```ts
   * let result;
   * while ((result = await set.joinNext({ signal })) !== undefined) report(result);
   * ```
   */
  joinNext(opts?: { signal?: AbortSignal }): Promise<Settled<T> | undefined> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#done.size > 0) {
      if (signal !== undefined && !claim(signal)) return Promise.reject(signal.reason);
      this.#unjoined--;
      return Promise.resolve(this.#done.shift());
    }
    if (this.#unjoined === 0) return Promise.resolve(undefined);
    return this.#joiners.enqueue(signal);
  }

  /**
   * Aborts the signal of every task spawned so far, with `reason`. Tasks spawned afterwards get a
   * fresh signal. Their results (usually rejections with `reason`) are still joined as usual.
   *
   * @param reason - the abort reason; by default the platform's `AbortError`.
   * @example
   * ```ts
   * set.abortAll(new Error('first failure cancels the rest'));
   * ```
   */
  abortAll(reason?: unknown): void {
    const controller = this.#controller;
    this.#controller = undefined;
    controller?.abort(reason);
  }

  /**
   * Iterates over results in completion order until nothing is left to join.
   *
   * **Cancel safety:** `next()` takes no signal; to stop waiting on a signal, loop over
   * `joinNext({ signal })`.
   *
   * @example
   * ```ts
   * for await (const { status } of set) counts[status]++;
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<Settled<T>> {
    return {
      next: () =>
        this.joinNext().then((value): IteratorResult<Settled<T>> =>
          value === undefined ? { value: undefined, done: true } : { value, done: false },
        ),
    };
  }

  /**
   * Aborts every running task, then waits until each has settled (the results stay joinable).
   *
   * **Cancel safety:** it waits for tasks that ignore their signal too: give every task a signal
   * it honours, or this never resolves.
   *
   * @example
   * ```ts
   * await using set = new JoinSet<void>();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.abortAll();
    if (this.#running === 0) return RESOLVED;
    return this.#idle.enqueue(undefined);
  }

  #complete(result: Settled<T>): void {
    this.#running--;
    const joiner = this.#joiners.head === undefined ? undefined : this.#joiners.take();
    if (joiner === undefined) this.#done.push(result);
    else {
      this.#unjoined--;
      joiner.resolve(result);
    }
    if (this.#unjoined === 0) for (let w = this.#joiners.take(); w !== undefined; w = this.#joiners.take()) w.resolve(undefined);
    if (this.#running === 0) for (let w = this.#idle.take(); w !== undefined; w = this.#idle.take()) w.resolve();
  }
}
