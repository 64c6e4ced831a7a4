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

/**
 * Rejection reason of {@link Channel.send} once the channel is closed, and of
 * {@link Channel.recv} once it is closed and drained. `for await` over a channel ends quietly
 * instead of throwing it.
 *
 * @example
 * ```ts
 * try {
 *   await channel.send(job);
 * } catch (error) {
 *   if (error instanceof ChannelClosedError) return; // the consumer shut down: stop producing
 *   throw error;
 * }
 * ```
 */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor(message = 'The channel is closed.') {
    super(message);
  }
}
