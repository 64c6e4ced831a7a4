import * as assert from 'node:assert/strict';
import { Semaphore } from 'cancel-safe';
import { aborted, listeners, state } from './helpers.js';

describe('Semaphore', () => {
  it('new Semaphore() - throws naming `permits` and the value', () => {
    assert.throws(() => new Semaphore(0), { name: 'RangeError', message: 'Expected `permits` to be an integer >= 1, got 0' });
    assert.throws(() => new Semaphore(-2), { name: 'RangeError', message: /`permits`.*-2/ });
    assert.throws(() => new Semaphore(undefined as unknown as number), { name: 'TypeError', message: /`permits`.*undefined/ });
  });

  it('.acquire() - counts permits down and back up', async () => {
    const semaphore = new Semaphore(2);
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    assert.equal(semaphore.available, 0);
    a.release();
    b.release();
    assert.equal(semaphore.available, 2);
  });

  it('.acquire() - waiters are served in FIFO order', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const order: string[] = [];
    const first = semaphore.acquire().then((permit) => (order.push('first'), permit));
    const second = semaphore.acquire().then((permit) => (order.push('second'), permit));
    held.release();
    (await first).release();
    (await second).release();
    assert.deepEqual(order, ['first', 'second']);
    assert.equal(semaphore.available, 1);
  });

  it('.acquire() - an aborted waiter holds no permit and leaves no listener', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire({ signal: controller.signal });
    const behind = semaphore.acquire();
    controller.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
    assert.equal(listeners(controller.signal), 0);
    held.release();
    const next = await behind;
    assert.equal(semaphore.available, 0, 'the permit went to the waiter behind, not to the aborted one');
    next.release();
    assert.equal(semaphore.available, 1);
  });

  it('.acquire() - an already-aborted signal rejects at once even with permits free', async () => {
    const semaphore = new Semaphore(1);
    await assert.rejects(semaphore.acquire({ signal: aborted('no') }), (error) => error === 'no');
    assert.equal(semaphore.available, 1);
  });

  it('Permit.release() - idempotent: a double release adds no permit (async-sema regression)', async () => {
    // async-sema: `sema.release(); sema.release();` after one acquire leaves 2 free tokens of 1.
    const semaphore = new Semaphore(1);
    const permit = await semaphore.acquire();
    permit.release();
    permit.release();
    assert.equal(semaphore.available, 1);
    const again = await semaphore.acquire();
    assert.equal(semaphore.tryAcquire(), undefined);
    again.release();
  });

  it('Permit[Symbol.dispose]() - `using` releases at the end of the block', async () => {
    const semaphore = new Semaphore(1);
    {
      const permit = await semaphore.acquire();
      try {
        assert.equal(semaphore.available, 0);
      } finally {
        permit[Symbol.dispose]();
      }
    }
    assert.equal(semaphore.available, 1);
  });

  it('.tryAcquire() - takes a free permit, but never ahead of a waiter', async () => {
    const semaphore = new Semaphore(1);
    const permit = semaphore.tryAcquire();
    assert.ok(permit);
    assert.equal(semaphore.tryAcquire(), undefined);
    const waiting = semaphore.acquire();
    permit.release();
    assert.equal(semaphore.tryAcquire(), undefined, 'the released permit belongs to the waiter');
    (await waiting).release();
  });

  it('.run() - releases when the work settles, fulfilled or rejected', async () => {
    const semaphore = new Semaphore(1);
    assert.equal(await semaphore.run(async () => 3), 3);
    await assert.rejects(semaphore.run(async () => Promise.reject(new Error('boom'))), /boom/);
    await assert.rejects(
      semaphore.run(() => {
        throw new Error('sync');
      }),
      /sync/,
    );
    assert.equal(semaphore.available, 1);
  });

  it('.run() - keeps the permit while the work runs, even after its signal aborts (p-queue `timeout` regression)', async () => {
    // p-queue with { concurrency: 1, timeout } frees the slot at the deadline while the task still
    // runs, so two tasks run at once. Here the slot is held until the work itself settles.
    const semaphore = new Semaphore(1);
    let finish!: () => void;
    let running = 0;
    let maxRunning = 0;
    const work = () =>
      new Promise<void>((resolve) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        finish = () => {
          running--;
          resolve();
        };
      });
    const controller = new AbortController();
    const first = semaphore.run(work, { signal: controller.signal });
    const second = semaphore.run(work);
    controller.abort(new Error('deadline'));
    assert.equal(await state(first), 'pending');
    assert.equal(await state(second), 'pending');
    assert.equal(semaphore.available, 0);
    finish();
    await first;
    finish();
    await second;
    assert.equal(maxRunning, 1);
    assert.equal(semaphore.available, 1);
  });

  it('.run() - an aborted waiting run never starts its work', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    let started = false;
    const waiting = semaphore.run(
      async () => {
        started = true;
      },
      { signal: controller.signal },
    );
    controller.abort('stop');
    await assert.rejects(waiting, (error) => error === 'stop');
    held.release();
    assert.equal(started, false);
    assert.equal(semaphore.available, 1);
  });

  it('.run() - throws TypeError naming `fn`', () => {
    assert.throws(() => new Semaphore(1).run(42 as never), { name: 'TypeError', message: 'Expected `fn` to be a function, got 42' });
  });
});
