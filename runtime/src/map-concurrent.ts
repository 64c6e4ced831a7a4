import { assertFunction, assertInteger, assertSignal, isThenable, typeError } from './internal.js';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, and resolves with the results
 * in input order. The first rejection aborts the signal handed to every running call, stops
 * pulling items, and rejects with that error. Async iterables are pulled one item at a time and
 * only when a slot is free, so a huge or endless source is never read ahead.
 *
 * **Cancel safety:** aborting `opts.signal` aborts every running call's signal with the same
 * reason, stops pulling, closes the source iterator (`return()`), and rejects with
 * `signal.reason` at once; the listener is removed. Calls that ignore their signal keep running
 * until they settle, and their results are dropped.
 *
 * @param items - an iterable or async iterable.
 * @param limit - maximum calls in flight; an integer `>= 1`, or `Infinity`.
 * @param fn - receives the item, its index and a signal aborted on failure or outer abort.
 * @param opts.signal - cancels the whole map.
 * @returns the results, `results[i]` for `items[i]`.
 * @throws RangeError when `limit` is invalid; TypeError when `items` is not iterable or `fn` is not a function.
 * @example
 * ```ts
 * const pages = await mapConcurrent(urls, 8, (url, _i, signal) => fetch(url, { signal }).then((r) => r.text()), { signal });
 * ```
 */
export function mapConcurrent<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  opts?: { signal?: AbortSignal },
): Promise<R[]> {
  const isAsync = typeof (items as AsyncIterable<T> | null)?.[Symbol.asyncIterator] === 'function';
  if (!isAsync && typeof (items as Iterable<T> | null)?.[Symbol.iterator] !== 'function') {
    throw typeError('items', 'an iterable or async iterable', items);
  }
  if (limit !== Infinity) assertInteger('limit', limit, 1);
  assertFunction('fn', fn);
  const outer = opts?.signal;
  assertSignal(outer);
  if (outer?.aborted) return Promise.reject(outer.reason);

  return new Promise<R[]>((resolve, reject) => {
    const controller = new AbortController();
    const signal = controller.signal;
    const results: R[] = [];
    let iterator: Iterator<T> | AsyncIterator<T>;
    let index = 0;
    let inFlight = 0;
    let exhausted = false;
    let pulling = false;
    let failed = false;

    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      outer?.removeEventListener('abort', onAbort);
      controller.abort(error);
      if (!exhausted) closeIterator(iterator);
      reject(error);
    };
    const onAbort = (): void => fail(outer!.reason);
    outer?.addEventListener('abort', onAbort, { once: true });

    const onResult = (i: number, value: R): void => {
      if (failed) return;
      results[i] = value;
      inFlight--;
      fill();
    };
    const start = (item: T): void => {
      const i = index++;
      inFlight++;
      let result: Promise<R>;
      try {
        result = Promise.resolve(fn(item, i, signal));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then((value) => onResult(i, value), fail);
    };
    const onPulled = (step: IteratorResult<T>): void => {
      pulling = false;
      if (failed) return;
      if (step.done === true) exhausted = true;
      else start(step.value);
      fill();
    };
    const onPullFailed = (error: unknown): void => {
      pulling = false;
      exhausted = true; // a throwing iterator is finished; do not call its return()
      fail(error);
    };
    function fill(): void {
      while (!failed && !exhausted && !pulling && inFlight < limit) {
        let step: IteratorResult<T> | Promise<IteratorResult<T>>;
        try {
          step = iterator.next();
        } catch (error) {
          onPullFailed(error);
          return;
        }
        if (isAsync || isThenable(step)) {
          pulling = true;
          Promise.resolve(step).then(onPulled, onPullFailed);
          return;
        }
        if (step.done === true) exhausted = true;
        else start(step.value);
      }
      if (exhausted && inFlight === 0 && !failed) {
        failed = true; // settled: later calls to fail() are no-ops
        outer?.removeEventListener('abort', onAbort);
        resolve(results);
      }
    }

    try {
      iterator = isAsync ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
    } catch (error) {
      exhausted = true;
      fail(error);
      return;
    }
    fill();
  });
}

function closeIterator(iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined): void {
  try {
    const closing = iterator?.return?.();
    // A failing return() has nowhere useful to go: the map already rejected with the first error.
    if (isThenable(closing)) closing.then(undefined, () => {});
  } catch {
    // Same: the first error is what the caller sees.
  }
}
