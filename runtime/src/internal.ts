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
