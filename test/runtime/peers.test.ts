import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Channel, pump, retry, select, Semaphore, timeout } from 'cancel-safe';

// Regression tests for the known defects of the libraries users would otherwise pick. More live
// next to their primitive: p-queue's `timeout` (semaphore.test.ts `.run() - keeps the permit`),
// async-sema's double release (semaphore.test.ts), p-retry's uncapped backoff (functions.test.ts).
describe('known peer defects that must not exist here', () => {
  it('p-timeout: the deadline timer does not keep the process alive', () => {
    // p-timeout's `setTimeout` is ref'd: a process whose work is done still waits out the deadline.
    const script = `import { timeout } from 'cancel-safe';
      timeout(600_000, () => new Promise(() => {})).catch(() => {});
      await timeout(600_000, async () => 'done');
      console.log('exiting');`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, cwd: __dirname });
    assert.equal(result.signal, null, 'the child was killed: a timer kept it alive');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /exiting/);
  });

  it('p-timeout: the operation is aborted at the deadline, not left running', async () => {
    let stopped = false;
    await assert.rejects(
      timeout(5, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => ((stopped = true), reject(signal.reason)), { once: true }))),
      { name: 'TimeoutError' },
    );
    assert.equal(stopped, true);
  });

  it('async-sema: release() twice from one acquire does not add a permit', async () => {
    const semaphore = new Semaphore(2);
    const permit = await semaphore.acquire();
    permit.release();
    permit.release();
    assert.equal(semaphore.available, 2);
  });

  it('p-retry: the default backoff is capped (30 s), whatever the attempt number', async () => {
    const realSetTimeout = globalThis.setTimeout;
    let maxDelay = 0;
    globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms: number, ...args: unknown[]) => {
      maxDelay = Math.max(maxDelay, ms);
      return realSetTimeout(callback, 0, ...args);
    }) as typeof setTimeout;
    try {
      await assert.rejects(retry(async () => Promise.reject(new Error('down')), { retries: 40, jitter: false }));
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    assert.equal(maxDelay, 30_000);
  });

  it('racing an async iterator next() loses values; select over a pumped Channel loses none', async () => {
    async function* source() {
      yield* [1, 2, 3, 4, 5];
    }
    // The hazard, deterministically: a tick that is already resolved wins every race, and each
    // lost next() takes a value with it.
    const iterator = source();
    const raced: number[] = [];
    for (;;) {
      // eslint-disable-next-line cancel-safe/no-unsafe-race -- the hazard this test demonstrates
      const step = await Promise.race([iterator.next(), Promise.resolve('tick' as const)]);
      if (step !== 'tick') {
        if (step.done === true) break;
        raced.push(step.value);
      } else {
        const rest = await iterator.next();
        if (rest.done === true) break;
        raced.push(rest.value);
      }
    }
    assert.ok(raced.length < 5, `expected the race to lose values, got ${raced}`);

    // The fix: the read moves into its own task (pump); the loop selects over a cancel-safe recv.
    const channel = new Channel<number>(2);
    const pumping = pump(source(), channel);
    const received: number[] = [];
    let ticks = 0;
    for (;;) {
      try {
        const next = await select({ value: (signal) => channel.recv({ signal }), tick: async () => 'tick' });
        if (next.key === 'value') received.push(next.value);
        else ticks++;
      } catch {
        break; // ChannelClosedError: closed and drained
      }
    }
    await pumping;
    assert.deepEqual(received, [1, 2, 3, 4, 5]);
    assert.ok(ticks > 0, 'the tick branch did win some races');
  });
});
