import { ChannelClosedError } from './errors.js';
import { assertInteger, assertSignal, claim, Deque, RESOLVED, WaitQueue } from './internal.js';

const sendClosed = (): ChannelClosedError =>
  new ChannelClosedError('Cannot send: the channel is closed, so the value would never be received. Stop producing once `send` rejects, or check `channel.isClosed`.');
const recvClosed = (): ChannelClosedError =>
  new ChannelClosedError('The channel is closed and drained: no value will arrive. Use `for await` to end quietly instead of catching this.');

/**
 * A bounded multi-producer multi-consumer queue, the backpressure primitive: `send` waits while
 * the channel holds `capacity` items, so a fast producer is slowed to the pace of its consumers
 * instead of filling memory. FIFO for values, and fair: waiting senders and waiting receivers are
 * each served in the order they arrived.
 *
 * `recv` and `send` are cancel-safe (an aborted `recv` consumes nothing, an aborted `send` enqueues
 * nothing), so both can be raced or used as {@link select} branches without losing a message,
 * which is exactly what racing an async iterator's `next()` cannot promise.
 *
 * @typeParam T - the type of the values.
 * @example
 * ```ts
 * const jobs = new Channel<Job>(100);
 * // producer
 * for (const job of await loadJobs()) await jobs.send(job, { signal });
 * jobs.close();
 * // consumer
 * for await (const job of jobs) await handle(job);
 * ```
 */
export class Channel<T> {
  readonly #capacity: number;
  readonly #buffer = new Deque<T>();
  readonly #receivers = new WaitQueue<T>();
  readonly #senders = new WaitQueue<void>();
  #closed = false;

  /**
   * @param capacity - how many values the channel holds before `send` waits; an integer `>= 1`.
   * @throws RangeError when `capacity` is not an integer `>= 1` (TypeError when not a number).
   */
  constructor(capacity: number) {
    assertInteger('capacity', capacity, 1);
    this.#capacity = capacity;
  }

  /** How many values the channel holds before `send` waits. */
  get capacity(): number {
    return this.#capacity;
  }

  /** How many values are queued, waiting for a receiver. */
  get size(): number {
    return this.#buffer.size;
  }

  /** Whether {@link Channel.close} has been called. Queued values may still be receivable. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Sends `value`: hands it to the longest-waiting receiver, or queues it, or waits (in FIFO order
   * with other senders) until there is room.
   *
   * **Cancel safety:** cancel-safe. If `opts.signal` aborts while the send waits, the value is not
   * enqueued and never will be; the promise rejects with `signal.reason` and the abort listener is
   * removed. Once the promise has resolved, the value is in the channel.
   *
   * @param value - the value to send.
   * @param opts.signal - gives up waiting for room.
   * @returns a promise that resolves once the value is queued or received.
   * @throws ChannelClosedError (as a rejection) when the channel is closed, before or while waiting.
   * @example
   * ```ts
   * await channel.send(event, { signal: token.signal });
   * ```
   */
  send(value: T, opts?: { signal?: AbortSignal }): Promise<void> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#closed) return Promise.reject(sendClosed());
    if (this.#receivers.head !== undefined || this.#buffer.size < this.#capacity) {
      // About to commit the value: under select() that must be this branch's win.
      if (signal !== undefined && !claim(signal)) return Promise.reject(signal.reason);
      const receiver = this.#receivers.head === undefined ? undefined : this.#receivers.take();
      if (receiver !== undefined) receiver.resolve(value);
      else this.#buffer.push(value);
      return RESOLVED;
    }
    return this.#senders.enqueue(signal, value);
  }

  /**
   * Sends `value` only if that needs no waiting: for load shedding at the edge of a system
   * (answer 503 rather than queue without bound).
   *
   * @param value - the value to send.
   * @returns `'sent'` (queued or handed to a receiver), `'full'` (nothing changed) or `'closed'`.
   * @example
   * ```ts
   * if (channel.trySend(request) === 'full') return reply(503);
   * ```
   */
  trySend(value: T): 'sent' | 'full' | 'closed' {
    if (this.#closed) return 'closed';
    if (this.#receivers.head !== undefined) {
      const receiver = this.#receivers.take();
      if (receiver !== undefined) {
        receiver.resolve(value);
        return 'sent';
      }
    }
    if (this.#buffer.size < this.#capacity) {
      this.#buffer.push(value);
      return 'sent';
    }
    return 'full';
  }

  /**
   * Receives the oldest value, waiting (in FIFO order with other receivers) while the channel is
   * empty. Values queued before {@link Channel.close} are still received.
   *
   * **Cancel safety:** cancel-safe. If `opts.signal` aborts while the receive waits, no value is
   * consumed: a value sent afterwards goes to the next receiver. The promise rejects with
   * `signal.reason` and the abort listener is removed. This is what makes `recv` safe to race,
   * unlike an async iterator's `next()`, whose value is lost when the race is lost.
   *
   * @param opts.signal - gives up waiting.
   * @returns the oldest value.
   * @throws ChannelClosedError (as a rejection) once the channel is closed and drained.
   * @example
   * ```ts
   * const next = await select({
   *   job: (signal) => jobs.recv({ signal }),
   *   stop: (signal) => token.wait({ signal }),
   * });
   * ```
   */
  recv(opts?: { signal?: AbortSignal }): Promise<T> {
    const signal = opts?.signal;
    if (signal !== undefined) {
      assertSignal(signal);
      if (signal.aborted) return Promise.reject(signal.reason);
    }
    if (this.#buffer.size > 0) {
      if (signal !== undefined && !claim(signal)) return Promise.reject(signal.reason);
      const value = this.#buffer.shift();
      if (this.#senders.head !== undefined) this.#admitSender();
      return Promise.resolve(value);
    }
    if (this.#closed) return Promise.reject(recvClosed());
    return this.#receivers.enqueue(signal);
  }

  /**
   * Closes the channel. Idempotent. Values already queued stay receivable; waiting senders reject
   * with {@link ChannelClosedError} (their values were never enqueued); once the queue is empty,
   * waiting and future receivers reject with it and `for await` loops end.
   *
   * @example
   * ```ts
   * token.cancelled().then(() => channel.close());
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#senders.rejectAll(sendClosed);
    // Receivers wait only on an empty channel, so none of them can still get a value.
    this.#receivers.rejectAll(recvClosed);
  }

  /**
   * Iterates over received values until the channel is closed and drained. Breaking out of the
   * loop does not close the channel (other consumers may still be reading).
   *
   * **Cancel safety:** `next()` takes no signal and waits until a value or the end arrives; to stop
   * waiting on a signal, loop over `recv({ signal })` instead.
   *
   * @example
   * ```ts
   * for await (const message of channel) console.log(message);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const next = (): Promise<IteratorResult<T>> => {
      if (this.#buffer.size > 0) {
        const value = this.#buffer.shift();
        if (this.#senders.head !== undefined) this.#admitSender();
        return Promise.resolve({ value, done: false });
      }
      return this.recv().then(toResult, endOnClose);
    };
    return { next };
  }

  /** Moves the longest-waiting sender's value into the room a receive just made. */
  #admitSender(): void {
    const sender = this.#senders.take();
    if (sender === undefined) return;
    this.#buffer.push(sender.item as T);
    sender.resolve();
  }
}

function toResult<T>(value: T): IteratorResult<T> {
  return { value, done: false };
}

function endOnClose(error: unknown): IteratorResult<never> {
  if (error instanceof ChannelClosedError) return { value: undefined, done: true };
  throw error;
}
