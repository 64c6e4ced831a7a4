import { assertSignal, RESOLVED, typeError, WaitQueue } from './internal.js';

/**
 * A cancellation source and its signal in one object, with tokio-util's tree: a child token is
 * cancelled when its parent is, and cancelling a child leaves the parent alone. Hand `token.signal`
 * to anything that takes an AbortSignal (fetch, streams, every cancel-safe primitive).
 *
 * A child is linked to its parent by one entry in the parent's child set, removed when either
 * side is done (the child is cancelled or disposed, or the parent cancels it), never through
 * `AbortSignal.any`, which leaks on Node 20 (nodejs/node#54614, #57584). A request-scoped child of
 * a process-wide token therefore costs nothing once the request is over.
 *
 * @example
 * ```ts
 * const shutdown = new CancellationToken();
 * server.on('request', async (req, res) => {
 *   using request = shutdown.child();           // detached from `shutdown` at the end of the block
 *   res.end(await render(req, { signal: request.signal }));
 * });
 * process.once('SIGTERM', () => shutdown.cancel());
 * ```
 */
export class CancellationToken {
  #controller: AbortController | undefined = undefined;
  #cancelled = false;
  #reason: unknown = undefined;
  #promise: Promise<void> | undefined = undefined;
  #resolvePromise: (() => void) | undefined = undefined;
  #waiters: WaitQueue<void> | undefined = undefined;
  #children: Set<CancellationToken> | undefined = undefined;
  #parent: CancellationToken | undefined = undefined;
  #source: AbortSignal | undefined = undefined;
  #sourceListener: (() => void) | undefined = undefined;

  /**
   * A token cancelled when `signal` aborts, with the signal's reason. One listener is added to
   * `signal` and removed when the token is cancelled or disposed.
   *
   * @param signal - the signal to follow.
   * @returns a new token.
   * @throws TypeError when `signal` is not an AbortSignal.
   * @example
   * ```ts
   * using token = CancellationToken.fromSignal(request.signal);
   * ```
   */
  static fromSignal(signal: AbortSignal): CancellationToken {
    if (signal === undefined) throw typeError('signal', 'an AbortSignal', signal);
    assertSignal(signal);
    const token = new CancellationToken();
    if (signal.aborted) {
      token.cancel(signal.reason);
      return token;
    }
    const listener = (): void => token.cancel(signal.reason);
    token.#source = signal;
    token.#sourceListener = listener;
    signal.addEventListener('abort', listener, { once: true });
    return token;
  }

  /** An AbortSignal aborted (with {@link CancellationToken.reason}) when the token is cancelled. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Whether the token has been cancelled (directly, through a parent, or through its source). */
  get isCancelled(): boolean {
    return this.#cancelled;
  }

  /** The reason of the cancellation; `undefined` until cancelled. */
  get reason(): unknown {
    return this.#reason;
  }

  /**
   * Cancels the token and, recursively, its children. Idempotent: the first reason wins.
   *
   * @param reason - what `signal.reason`, `reason` and `throwIfCancelled` report; by default a
   *   `DOMException` named `AbortError`, as `AbortController.abort()` uses.
   * @example
   * ```ts
   * token.cancel(new Error('client went away'));
   * ```
   */
  cancel(reason?: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason === undefined ? new DOMException('The operation was cancelled.', 'AbortError') : reason;
    this.#detach();
    this.#resolvePromise?.();
    const waiters = this.#waiters;
    if (waiters !== undefined) for (let w = waiters.take(); w !== undefined; w = waiters.take()) w.resolve();
    const children = this.#children;
    if (children !== undefined) {
      this.#children = undefined;
      for (const child of children) {
        child.#parent = undefined;
        child.cancel(this.#reason);
      }
    }
    this.#controller?.abort(this.#reason);
  }

  /**
   * A new token cancelled when this one is (at once if this one already is). Cancelling or
   * disposing the child removes its link from this token.
   *
   * @returns the child token.
   * @example
   * ```ts
   * using perRequest = appToken.child();
   * ```
   */
  child(): CancellationToken {
    const child = new CancellationToken();
    if (this.#cancelled) child.cancel(this.#reason);
    else {
      child.#parent = this;
      (this.#children ??= new Set()).add(child);
    }
    return child;
  }

  /**
   * A promise that resolves (never rejects) once the token is cancelled; the same promise on
   * every call.
   *
   * **Cancel safety:** there is nothing to cancel, but every reaction attached to this promise
   * lives until the token is cancelled: to wait for a long-lived token many times (in a loop, in
   * `select`), use {@link CancellationToken.wait} instead, which leaves nothing behind.
   *
   * @returns the shared cancellation promise.
   * @example
   * ```ts
   * await token.cancelled();
   * ```
   */
  cancelled(): Promise<void> {
    if (this.#promise === undefined) {
      if (this.#cancelled) this.#promise = RESOLVED;
      else this.#promise = new Promise<void>((resolve) => (this.#resolvePromise = resolve));
    }
    return this.#promise;
  }

  /**
   * Throws {@link CancellationToken.reason} when the token is cancelled.
   *
   * @example
   * ```ts
   * for (const row of rows) { token.throwIfCancelled(); await save(row); }
   * ```
   */
  throwIfCancelled(): void {
    if (this.#cancelled) throw this.#reason;
  }

  /**
   * Resolves once the token is cancelled, or rejects with `opts.signal.reason` if that signal
   * aborts first: the select-friendly wait.
   *
   * **Cancel safety:** cancel-safe. An abort removes this wait from the token and its listener
   * from `opts.signal`; nothing is left behind, so a loop of a million
   * `select({ stop: (s) => token.wait({ signal: s }), ... })` keeps the heap flat (unlike a
   * `Promise.race` against `token.cancelled()`, which adds a reaction per iteration).
   *
   * @param opts.signal - gives up waiting.
   * @returns a promise that resolves once cancelled.
   * @example
   * ```ts
   * const winner = await select({ job: (s) => jobs.recv({ signal: s }), stop: (s) => token.wait({ signal: s }) });
   * ```
   */
  wait(opts?: { signal?: AbortSignal }): Promise<void> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#cancelled) return RESOLVED;
    return (this.#waiters ??= new WaitQueue<void>()).enqueue(signal);
  }

  /** Detaches from the parent token or source signal (removing that link); does not cancel. */
  [Symbol.dispose](): void {
    this.#detach();
  }

  #detach(): void {
    if (this.#parent !== undefined) {
      this.#parent.#children?.delete(this);
      this.#parent = undefined;
    }
    if (this.#source !== undefined) {
      this.#source.removeEventListener('abort', this.#sourceListener!);
      this.#source = this.#sourceListener = undefined;
    }
  }
}
