import * as assert from 'node:assert/strict';
import { Channel, interval, mapConcurrent, pump, retry, sleep, timeout, TimeoutError } from 'cancel-safe';
import { aborted, flush, listeners, state } from './helpers.js';

describe('sleep()', () => {
  it('resolves after the delay and removes its listener', async () => {
    const controller = new AbortController();
    await sleep(1, { signal: controller.signal });
    assert.equal(listeners(controller.signal), 0);
  });

  it('an abort clears the timer and removes the listener', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, { signal: controller.signal });
    controller.abort('stop');
    await assert.rejects(sleeping, (e) => e === 'stop');
    assert.equal(listeners(controller.signal), 0);
    await assert.rejects(sleep(1, { signal: aborted('early') }), (e) => e === 'early');
    assert.throws(() => sleep(Number.NaN), { name: 'RangeError', message: /`ms`.*NaN/ });
  });
});

describe('timeout()', () => {
  it('an outer abort aborts the operation with that reason and removes the listener', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const running = timeout(60_000, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }, { signal: controller.signal });
    controller.abort('outer');
    await assert.rejects(running, (e) => e === 'outer');
    assert.equal(seen?.reason, 'outer');
    assert.equal(listeners(controller.signal), 0);
  });

  it('a rejection of the operation passes through', async () => {
    await assert.rejects(timeout(1_000, async () => Promise.reject(new Error('op'))), /op/);
    assert.throws(() => timeout(1, 'x' as never), { name: 'TypeError', message: /`op`/ });
  });
});

describe('retry()', () => {
  it('retries until success, numbering attempts from 1', async () => {
    const attempts: number[] = [];
    const value = await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { minDelay: 1, jitter: false },
    );
    assert.equal(value, 'ok');
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  it('rejects with the last error after `retries` extra attempts', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async (attempt) => {
          calls++;
          throw new Error(`fail ${attempt}`);
        },
        { retries: 2, minDelay: 0 },
      ),
      /fail 3/,
    );
    assert.equal(calls, 3);
  });

  it('stops when retryIf says no', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error('fatal');
        },
        { retryIf: (error) => !(error as Error).message.includes('fatal'), minDelay: 0 },
      ),
      /fatal/,
    );
    assert.equal(calls, 1);
  });

  it('caps every delay at maxDelay (p-retry regression: uncapped default backoff)', async () => {
    // p-retry's default backoff (minTimeout 1000 * factor 2 ** n) has maxTimeout Infinity.
    const realSetTimeout = globalThis.setTimeout;
    const delays: number[] = [];
    globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms: number, ...args: unknown[]) => {
      delays.push(ms);
      return realSetTimeout(callback, 0, ...args);
    }) as typeof setTimeout;
    try {
      await assert.rejects(
        retry(async () => Promise.reject(new Error('always')), { retries: 6, minDelay: 10, factor: 10, maxDelay: 50, jitter: false }),
      );
      await assert.rejects(retry(async () => Promise.reject(new Error('always')), { retries: 20, minDelay: 1_000, factor: 3 }));
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.deepEqual(delays.slice(0, 6), [10, 50, 50, 50, 50, 50]);
    const jittered = delays.slice(6);
    assert.equal(jittered.length, 20);
    assert.ok(jittered.every((ms) => ms >= 0 && ms <= 30_000), 'the default cap is 30 s, with full jitter below it');
  });

  it('an abort while waiting between attempts rejects at once and leaves no timer or listener', async () => {
    const controller = new AbortController();
    let calls = 0;
    const retrying = retry(
      async (_attempt, signal) => {
        calls++;
        assert.equal(signal, controller.signal);
        throw new Error('again');
      },
      { minDelay: 60_000, maxDelay: 60_000, jitter: false, signal: controller.signal },
    );
    await flush();
    controller.abort('stop');
    await assert.rejects(retrying, (e) => e === 'stop');
    assert.equal(calls, 1);
    assert.equal(listeners(controller.signal), 0);
    await assert.rejects(retry(async () => 1, { signal: aborted('early') }), (e) => e === 'early');
  });

  it('an abort during a running attempt rejects at once, even if the attempt ignores its signal', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const retrying = retry(
      () => {
        attempts++;
        return new Promise<never>(() => {});
      },
      { signal: controller.signal },
    );
    await flush();
    controller.abort('stop');
    await assert.rejects(retrying, (e) => e === 'stop');
    assert.equal(attempts, 1);
    assert.equal(listeners(controller.signal), 0);
  });

  it('validates its options, naming each one', () => {
    const op = async () => 1;
    assert.throws(() => retry(op, { retries: -1 }), { name: 'RangeError', message: /`opts.retries`.*-1/ });
    assert.throws(() => retry(op, { minDelay: 100, maxDelay: 10 }), { name: 'RangeError', message: /`opts.maxDelay`.*10/ });
    assert.throws(() => retry(op, { factor: 0.5 }), { name: 'RangeError', message: /`opts.factor`.*0.5/ });
    assert.throws(() => retry(op, { jitter: 'yes' as never }), { name: 'TypeError', message: /`opts.jitter`/ });
    assert.throws(() => retry(null as never), { name: 'TypeError', message: /`op`/ });
  });
});

describe('mapConcurrent()', () => {
  it('results in input order, never more than `limit` in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3], 2, async (item, index) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await sleep(item);
      inFlight--;
      return `${index}:${item}`;
    });
    assert.deepEqual(results, ['0:5', '1:1', '2:4', '3:2', '4:3']);
    assert.equal(max, 2);
  });

  it('pulls an async iterable only when a slot is free', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 6; i++) {
        pulled++;
        yield i;
      }
    }
    let maxAhead = 0;
    let done = 0;
    const results = await mapConcurrent(source(), 2, async (item) => {
      maxAhead = Math.max(maxAhead, pulled - done);
      await flush();
      done++;
      return item * 2;
    });
    assert.deepEqual(results, [0, 2, 4, 6, 8, 10]);
    assert.ok(maxAhead <= 2, `read ${maxAhead} items ahead`);
  });

  it('the first rejection aborts the rest, stops pulling and closes the source', async () => {
    const signals: AbortSignal[] = [];
    let closed = false;
    function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    await assert.rejects(
      mapConcurrent(source(), 3, async (item, _index, signal) => {
        signals.push(signal);
        if (item === 1) throw new Error('item 1');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return item;
      }),
      /item 1/,
    );
    assert.equal(signals.length, 3);
    assert.ok(signals.every((signal) => signal.aborted));
    assert.equal(closed, true);
  });

  it('an outer abort rejects with its reason and removes the listener', async () => {
    const controller = new AbortController();
    const mapping = mapConcurrent([1, 2, 3], 1, (_item, _index, signal) => sleep(60_000, { signal }), { signal: controller.signal });
    controller.abort('outer');
    await assert.rejects(mapping, (e) => e === 'outer');
    assert.equal(listeners(controller.signal), 0);
    const done = new AbortController();
    await mapConcurrent([1], 1, async (x) => x, { signal: done.signal });
    assert.equal(listeners(done.signal), 0);
  });

  it('handles empty input, Infinity, and rejects bad arguments by name', async () => {
    assert.deepEqual(await mapConcurrent([], 1, async (x) => x), []);
    assert.deepEqual(await mapConcurrent(new Set([1, 2]), Infinity, async (x) => x + 1), [2, 3]);
    assert.throws(() => mapConcurrent([1], 0, async (x) => x), { name: 'RangeError', message: 'Expected `limit` to be an integer >= 1, got 0' });
    assert.throws(() => mapConcurrent(5 as never, 1, async (x) => x), { name: 'TypeError', message: /`items`/ });
    assert.throws(() => mapConcurrent([1], 1, undefined as never), { name: 'TypeError', message: /`fn`/ });
  });
});

describe('interval()', () => {
  it('ticks never overlap, and stop() waits for the running tick after aborting its signal', async () => {
    let running = 0;
    let overlapped = false;
    let ticks = 0;
    let lastSignal: AbortSignal | undefined;
    const timer = interval(1, async (signal) => {
      if (running > 0) overlapped = true;
      running++;
      ticks++;
      lastSignal = signal;
      await sleep(5);
      running--;
    });
    await sleep(40);
    await timer.stop();
    assert.equal(running, 0);
    assert.equal(overlapped, false);
    assert.ok(ticks >= 2, `ticked ${ticks} times`);
    assert.equal(lastSignal?.aborted, true);
    const after = ticks;
    await sleep(10);
    assert.equal(ticks, after, 'no tick after stop');
    await timer.stop();
  });

  it('an outer abort stops it; an already-aborted signal means no tick', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const timer = interval(1, () => void ticks++, { signal: controller.signal });
    await sleep(10);
    controller.abort();
    const after = ticks;
    await sleep(10);
    assert.equal(ticks, after);
    assert.equal(listeners(controller.signal), 0);
    await timer.stop();
    let never = 0;
    await interval(1, () => void never++, { signal: aborted() }).stop();
    assert.equal(never, 0);
  });

  it('a failing tick stops the interval and stop() rejects with its error', async () => {
    let ticks = 0;
    let stopped: Promise<unknown> | undefined;
    const timer = interval(1, () => {
      ticks++;
      if (ticks === 2) {
        stopped = timer.stop().catch((error: unknown) => error);
        throw new Error('tick 2');
      }
    });
    while (stopped === undefined) await sleep(1);
    assert.match(String(await stopped), /tick 2/);
    assert.equal(ticks, 2);
  });

  it('validates `ms` and `tick`', () => {
    assert.throws(() => interval(-1, () => {}), { name: 'RangeError', message: /`ms`.*-1/ });
    assert.throws(() => interval(1, 'x' as never), { name: 'TypeError', message: /`tick`/ });
  });
});

describe('pump()', () => {
  it('moves an async iterable into the channel with backpressure, then closes it', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        produced++;
        yield i;
      }
    }
    const channel = new Channel<number>(2);
    const pumping = pump(source(), channel);
    await flush();
    assert.ok(produced <= 4, `read ${produced} items ahead of a consumer that has not started`);
    const seen: number[] = [];
    for await (const value of channel) seen.push(value);
    await pumping;
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
  });

  it('reads a ReadableStream; close: false leaves the channel open', async () => {
    const stream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue('a');
        controller.enqueue('b');
        controller.close();
      },
    });
    const channel = new Channel<string>(4);
    await pump(stream, channel, { close: false });
    assert.equal(channel.isClosed, false);
    assert.equal(channel.size, 2);
  });

  it('an abort rejects at once, cancels the source and removes the listener', async () => {
    let cancelled: unknown;
    const stream = new ReadableStream<number>({
      pull: () => new Promise(() => {}),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const channel = new Channel<number>(1);
    const pumping = pump(stream, channel, { signal: controller.signal });
    await flush();
    controller.abort('stop');
    await assert.rejects(pumping, (e) => e === 'stop');
    await flush();
    assert.equal(cancelled, 'stop');
    assert.equal(listeners(controller.signal), 0);
    assert.equal(channel.isClosed, true);
  });

  it('an abort while the channel is full drops only the value in hand; sent values stay', async () => {
    async function* source() {
      yield* [1, 2, 3, 4];
    }
    const controller = new AbortController();
    const channel = new Channel<number>(2);
    const pumping = pump(source(), channel, { signal: controller.signal, close: false });
    await flush();
    assert.equal(channel.size, 2);
    controller.abort('stop');
    await assert.rejects(pumping, (e) => e === 'stop');
    assert.equal(listeners(controller.signal), 0);
    assert.equal(await channel.recv(), 1);
    assert.equal(await channel.recv(), 2);
    assert.equal(channel.size, 0, 'value 3, waiting for room when the abort came, was not enqueued');
  });

  it('resolves and stops reading when consumers close the channel', async () => {
    let finished = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finished = true;
      }
    }
    const channel = new Channel<number>(1);
    const pumping = pump(endless(), channel);
    assert.equal(await channel.recv(), 0);
    channel.close();
    await pumping;
    await flush();
    assert.equal(finished, true);
  });

  it('rejects with the source error and closes the channel', async () => {
    async function* failing() {
      yield 1;
      throw new Error('source broke');
    }
    const channel = new Channel<number>(4);
    await assert.rejects(pump(failing(), channel), /source broke/);
    assert.equal(channel.isClosed, true);
    assert.equal(await channel.recv(), 1);
    assert.throws(() => pump(42 as never, channel), { name: 'TypeError', message: /`source`/ });
    assert.equal(await state(Promise.resolve()), 'fulfilled');
  });
});

describe('TimeoutError', () => {
  it('is the same error on the rejection and on the operation signal', async () => {
    const error = await timeout(1, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('op saw abort')), { once: true }))).catch((e: unknown) => e);
    assert.ok(error instanceof TimeoutError);
    assert.match((error as Error).message, /timed out after 1 ms/);
  });
});
