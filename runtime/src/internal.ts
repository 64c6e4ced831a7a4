/** Internal helpers shared by the primitives. Not exported from the package entry. */

/** `RangeError` naming the argument and the value, as every primitive reports bad input. */
export function rangeError(name: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
}

/** `TypeError` naming the argument and the value. */
export function typeError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** Largest delay Node and browsers accept before they clamp a timer to 1 ms. */
export const MAX_DELAY = 2_147_483_647;

export function assertDelay(name: string, ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0 || ms > MAX_DELAY) {
    throw rangeError(name, `a number of milliseconds between 0 and ${MAX_DELAY}`, ms);
  }
}

export function assertFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw typeError(name, 'a function', value);
}

export function assertSignal(value: unknown): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as AbortSignal).aborted !== 'boolean' ||
    typeof (value as AbortSignal).addEventListener !== 'function'
  ) {
    throw typeError('opts.signal', 'an AbortSignal', value);
  }
}

/**
 * Runs `onAbort` once when `signal` aborts and returns a function that detaches the listener.
 * Every waiting primitive pairs this with its own completion so that no listener outlives the
 * operation: a long-lived signal shared by a million operations ends with the listener count it
 * started with. (We never use `AbortSignal.any`: it leaks on Node 20, nodejs/node#54614, #57584.)
 */
export function onAbort(signal: AbortSignal | undefined, onAbortCallback: () => void): () => void {
  if (signal === undefined) return noop;
  signal.addEventListener('abort', onAbortCallback, { once: true });
  return () => signal.removeEventListener('abort', onAbortCallback);
}

export function noop(): void {}

/** `setTimeout` that does not keep a Node process alive (a timer for a deadline is not work). */
export function unrefTimer(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  const handle = setTimeout(callback, ms);
  (handle as { unref?: () => void }).unref?.();
  return handle;
}

/** `RangeError`/`TypeError` for an argument that must be an integer `>= min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== 'number') throw typeError(name, `an integer >= ${min}`, value);
  if (!Number.isInteger(value) || value < min) throw rangeError(name, `an integer >= ${min}`, value);
}

/**
 * One settled promise shared by every fast path that resolves to `undefined` (a `send` into a
 * channel with room, a wait on a token already cancelled): a settled promise is immutable, and not
 * allocating one per call is most of the difference with the peers in the channel benchmark.
 */
export const RESOLVED: Promise<void> = Promise.resolve();

/** Listener options shared by every waiter (one object, not one per call). */
const ONCE: AddEventListenerOptions = { once: true };

/**
 * The claim function of every live `select()` branch signal. A WeakMap, not a property on the
 * signal (adding one to an AbortSignal costs more than the map), kept on `globalThis` under a
 * `Symbol.for` key so that the ESM and CommonJS copies of the package, loaded side by side, still
 * understand each other's branches. Created on first use: importing the package has no effect.
 */
const CLAIMS_KEY = Symbol.for('cancel-safe.select.claims');
let claims: WeakMap<AbortSignal, () => boolean> | undefined;
function claimRegistry(): WeakMap<AbortSignal, () => boolean> {
  const global = globalThis as { [CLAIMS_KEY]?: WeakMap<AbortSignal, () => boolean> };
  return (claims ??= global[CLAIMS_KEY] ??= new WeakMap());
}

/**
 * Called by a primitive at the moment it commits a side effect for a waiter (hands it a channel
 * value, a permit, a slot): returns false when the waiter must not take it. That is the case when
 * its signal has already aborted (an abort listener that has not run yet, mid-dispatch) or when
 * the waiter is a `select()` branch and another branch of the same call has already committed.
 * A successful claim makes the branch the winner and aborts its siblings synchronously, so two
 * branches of one select can never both consume something.
 */
export function claim(signal: AbortSignal | undefined): boolean {
  if (signal === undefined) return true;
  if (signal.aborted) return false;
  // Until a select() has run (in either copy of the package) there is nothing to look up.
  const registry = (claims ??= (globalThis as { [CLAIMS_KEY]?: WeakMap<AbortSignal, () => boolean> })[CLAIMS_KEY]);
  if (registry === undefined) return true;
  const claimFn = registry.get(signal);
  return claimFn === undefined || claimFn();
}

/** Marks `signal` as a select branch whose claims go through `claimFn`. */
export function setClaim(signal: AbortSignal, claimFn: () => boolean): void {
  claimRegistry().set(signal, claimFn);
}

/**
 * One waiting operation: a node of an intrusive doubly-linked list (O(1) removal on abort, so a
 * million aborted waits leave no tombstones behind) and its own abort listener (`handleEvent`, so
 * no closure is allocated per wait).
 */
export class Waiter<T> {
  prev: Waiter<T> | undefined = undefined;
  next: Waiter<T> | undefined = undefined;
  queue: WaitQueue<T> | undefined = undefined;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  constructor(
    readonly signal: AbortSignal | undefined,
    readonly item: unknown,
  ) {}

  /** The abort listener: leave the queue (no side effect) and reject with the signal's reason. */
  handleEvent(): void {
    this.queue?.remove(this);
    this.reject(this.signal!.reason);
  }
}

/** FIFO of waiters; every primitive that can block keeps one (or two) of these. */
export class WaitQueue<T> {
  head: Waiter<T> | undefined = undefined;
  tail: Waiter<T> | undefined = undefined;
  length = 0;

  /** Appends a waiter for `signal` (already checked not aborted) and returns its promise. */
  enqueue(signal: AbortSignal | undefined, item?: unknown): Promise<T> {
    const waiter = new Waiter<T>(signal, item);
    const promise = new Promise<T>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    waiter.queue = this;
    if (this.tail === undefined) this.head = waiter;
    else {
      this.tail.next = waiter;
      waiter.prev = this.tail;
    }
    this.tail = waiter;
    this.length++;
    signal?.addEventListener('abort', waiter, ONCE);
    return promise;
  }

  remove(waiter: Waiter<T>): void {
    if (waiter.queue !== this) return;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = waiter.queue = undefined;
    this.length--;
  }

  /**
   * Unlinks the first waiter, detaches its abort listener and returns it if it may take the
   * value now (see {@link claim}); a waiter that may not is rejected with its signal's reason and
   * the next one is tried. Returns `undefined` when no waiter can take it.
   */
  take(): Waiter<T> | undefined {
    for (let waiter = this.head; waiter !== undefined; waiter = this.head) {
      this.remove(waiter);
      const signal = waiter.signal;
      if (signal === undefined) return waiter;
      signal.removeEventListener('abort', waiter);
      if (claim(signal)) return waiter;
      waiter.reject(signal.reason);
    }
    return undefined;
  }

  /** Rejects every waiter with `reason()` (one error per waiter, each with its own stack). */
  rejectAll(reason: () => unknown): void {
    for (let waiter = this.head; waiter !== undefined; waiter = this.head) {
      this.remove(waiter);
      waiter.signal?.removeEventListener('abort', waiter);
      waiter.reject(reason());
    }
  }
}

/** Growable ring buffer: O(1) push and shift without `Array.prototype.shift`'s copying. */
export class Deque<T> {
  #items: (T | undefined)[] = new Array<T | undefined>(16);
  #mask = 15;
  #head = 0;
  size = 0;

  push(value: T): void {
    if (this.size > this.#mask) this.#grow();
    this.#items[(this.#head + this.size) & this.#mask] = value;
    this.size++;
  }

  /** Removes and returns the oldest value; the caller checks `size > 0` first. */
  shift(): T {
    const head = this.#head;
    const value = this.#items[head] as T;
    this.#items[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.size--;
    return value;
  }

  #grow(): void {
    const old = this.#items;
    const length = old.length;
    const items = new Array<T | undefined>(length * 2);
    for (let i = 0; i < length; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = length * 2 - 1;
    this.#head = 0;
  }
}

/** An AbortSignal that will never abort, for callers that passed none: one per call, never shared,
 * so listeners an operation forgets to remove die with it instead of piling up on a global. */
export function neverSignal(): AbortSignal {
  return new AbortController().signal;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
