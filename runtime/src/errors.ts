/**
 * Rejection reason of {@link timeout} when the deadline passes before the operation settles.
 * The same error is the `reason` of the AbortSignal handed to the operation, so the operation
 * can tell a timeout from other aborts.
 *
 * @example
 * ```ts
 * try {
 *   await timeout(1_000, (signal) => fetch(url, { signal }));
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.warn('upstream too slow');
 *   else throw error;
 * }
 * ```
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(message = 'The operation timed out.') {
    super(message);
  }
}
