import type { Channel } from './channel.js';
import { ChannelClosedError } from './errors.js';
import { assertSignal, isThenable, typeError } from './internal.js';

/**
 * Moves every value of `source` into `channel`, waiting whenever the channel is full
 * (backpressure reaches the source), until the source ends. This is the cancel-safe shape of
 * "race a read against something else": the read lives in its own task that is never raced, and
 * consumers `select` over `channel.recv({ signal })`, which loses nothing when it loses a race.
 *
 * The pump resolves when the source ends, or when the channel is closed by its consumers (the
 * source is then cancelled: nobody wants the rest). It rejects with the source's error.
 *
 * **Cancel safety:** aborting `opts.signal` rejects at once with `signal.reason`, cancels the
 * source (`iterator.return()` / `reader.cancel(reason)`) and removes the listener. The one value
 * the pump may hold at that moment (read from the source, not yet accepted by the full channel)
 * is dropped; every value already sent stays in the channel.
 *
 * @param source - an async iterable or a WHATWG `ReadableStream`.
 * @param channel - the destination.
 * @param opts.signal - stops the pump.
 * @param opts.close - close the channel when the pump ends, for any reason, so consumers'
 *   `for await` loops end. @default true
 * @returns a promise that resolves when everything was moved.
 * @throws TypeError when `source` is neither, or `channel` has no `send`.
 * @example
 * ```ts
 * const lines = new Channel<string>(64);
 * const pumping = pump(readline.createInterface({ input }), lines, { signal });
 * for await (const line of lines) await handle(line);
 * await pumping;
 * ```
 */
export function pump<T>(
  source: AsyncIterable<T> | ReadableStream<T>,
  channel: Channel<T>,
  opts?: { signal?: AbortSignal; close?: boolean },
): Promise<void> {
  const isStream = typeof (source as ReadableStream<T> | null)?.getReader === 'function';
  if (!isStream && typeof (source as AsyncIterable<T> | null)?.[Symbol.asyncIterator] !== 'function') {
    throw typeError('source', 'an async iterable or a ReadableStream', source);
  }
  if (typeof (channel as Channel<T> | null)?.send !== 'function') throw typeError('channel', 'a Channel', channel);
  const signal = opts?.signal;
  assertSignal(signal);
  const close = opts?.close ?? true;
  if (typeof close !== 'boolean') throw typeError('opts.close', 'a boolean', close);
  if (signal?.aborted) {
    if (close) channel.close();
    return Promise.reject(signal.reason);
  }

  let read: () => Promise<IteratorResult<T>>;
  let cancel: (reason: unknown) => void;
  if (isStream) {
    const reader = (source as ReadableStream<T>).getReader();
    read = () => reader.read() as Promise<IteratorResult<T>>;
    cancel = (reason) => {
      reader.cancel(reason).then(
        () => reader.releaseLock(),
        () => {},
      );
    };
  } else {
    const iterator = (source as AsyncIterable<T>)[Symbol.asyncIterator]();
    read = () => iterator.next();
    cancel = () => {
      try {
        const closing = iterator.return?.();
        if (isThenable(closing)) closing.then(undefined, () => {});
      } catch {
        // The pump already settled with the reason that made it cancel; a failing return() adds nothing.
      }
    };
  }

  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (): boolean => {
      if (finished) return false;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      if (close) channel.close();
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      cancel(signal!.reason);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const sendOpts = signal === undefined ? undefined : { signal };

    const onSent = (): void => {
      if (!finished) next();
    };
    const onSendFailed = (error: unknown): void => {
      if (finished) return;
      if (error instanceof ChannelClosedError) {
        finish();
        cancel(error);
        resolve();
        return;
      }
      if (finish()) reject(error);
    };
    const onRead = (step: IteratorResult<T>): void => {
      if (finished) return;
      if (step.done === true) {
        if (finish()) resolve();
        return;
      }
      channel.send(step.value, sendOpts).then(onSent, onSendFailed);
    };
    const onReadFailed = (error: unknown): void => {
      if (finish()) reject(error);
    };
    const next = (): void => {
      let step: Promise<IteratorResult<T>>;
      try {
        step = Promise.resolve(read());
      } catch (error) {
        onReadFailed(error);
        return;
      }
      step.then(onRead, onReadFailed);
    };
    next();
  });
}
