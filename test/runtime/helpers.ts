import { getEventListeners } from 'node:events';

/** Abort listeners currently on `signal` (Node's own count, not ours). */
export function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** Lets every queued promise reaction run (a macrotask turn drains the microtask queue). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Settles to 'pending' if `promise` has not settled after the microtasks queued so far ran. */
export async function state(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let result: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'fulfilled'),
    () => (result = 'rejected'),
  );
  await flush();
  return result;
}

export function aborted(reason: unknown = new Error('aborted')): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}
