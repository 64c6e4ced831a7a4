import * as assert from 'node:assert/strict';
import { CancellationToken, Channel, JoinSet, select, Semaphore, sleep } from 'cancel-safe';
import { aborted, flush, listeners } from './helpers.js';

describe('select()', () => {
  it('settles with the first branch and aborts the others', async () => {
    const signals: Record<string, AbortSignal> = {};
    const result = await select({
      fast: async (signal) => {
        signals.fast = signal;
        return 1;
      },
      slow: (signal) => {
        signals.slow = signal;
        return sleep(60_000, { signal });
      },
    });
    assert.deepEqual(result, { key: 'fast', value: 1 });
    assert.equal(signals.slow?.aborted, true);
    assert.equal((signals.slow?.reason as Error).name, 'AbortError');
    assert.equal(signals.fast?.aborted, false, 'the winner is not aborted');
  });

  it('rejects with the first branch to reject', async () => {
    const error = new Error('branch failed');
    await assert.rejects(
      select({ bad: async () => Promise.reject(error), never: (signal) => sleep(60_000, { signal }) }),
      (e) => e === error,
    );
    await assert.rejects(
      select({
        sync: () => {
          throw error;
        },
      }),
      (e) => e === error,
    );
  });

  it('loses nothing with cancel-safe branches: two ready channels, one value taken', async () => {
    const a = new Channel<string>(1);
    const b = new Channel<string>(1);
    await a.send('a');
    await b.send('b');
    const result = await select({ a: (s) => a.recv({ signal: s }), b: (s) => b.recv({ signal: s }) });
    assert.deepEqual(result, { key: 'a', value: 'a' });
    assert.equal(b.size, 1, 'the losing branch consumed nothing');
  });

  it('loses nothing when a value arrives in the same tick a sibling settles', async () => {
    const channel = new Channel<number>(1);
    const token = new CancellationToken();
    const selecting = select({
      value: (s) => channel.recv({ signal: s }),
      stop: (s) => token.wait({ signal: s }),
    });
    token.cancel(); // claims for `stop` synchronously, aborting the recv branch
    await channel.send(9); // must stay in the channel
    assert.equal((await selecting).key, 'stop');
    assert.equal(await channel.recv(), 9);
  });

  it('a ready permit claims the win at once: a later ready joinNext branch is never consumed', async () => {
    const semaphore = new Semaphore(1);
    const set = new JoinSet<number>();
    set.spawn(async () => 1);
    await flush();
    const result = await select({ permit: (s) => semaphore.acquire({ signal: s }), join: (s) => set.joinNext({ signal: s }) });
    assert.equal(result.key, 'permit');
    assert.equal(set.size, 1, 'the losing joinNext took no result');
    (result.value as { release(): void }).release();
    assert.equal(semaphore.available, 1);
  });

  it('a losing acquire holds no permit once released later', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const result = await select({ stop: (s) => sleep(1, { signal: s }), permit: (s) => semaphore.acquire({ signal: s }) });
    assert.equal(result.key, 'stop');
    held.release();
    assert.equal(semaphore.available, 1);
  });

  it('an outer abort aborts every branch, rejects with its reason and leaves no listener', async () => {
    const controller = new AbortController();
    const channel = new Channel<number>(1);
    const selecting = select({ value: (s) => channel.recv({ signal: s }) }, { signal: controller.signal });
    assert.equal(listeners(controller.signal), 1);
    controller.abort('outer');
    await assert.rejects(selecting, (e) => e === 'outer');
    assert.equal(listeners(controller.signal), 0);
    await channel.send(1);
    assert.equal(channel.size, 1);
    await assert.rejects(select({ x: async () => 1 }, { signal: aborted('early') }), (e) => e === 'early');
  });

  it('removes its outer listener when a branch wins', async () => {
    const controller = new AbortController();
    await select({ a: async () => 1 }, { signal: controller.signal });
    assert.equal(listeners(controller.signal), 0);
  });

  it('throws TypeError/RangeError for bad branches', () => {
    assert.throws(() => select(null as never), { name: 'TypeError', message: /`branches`/ });
    assert.throws(() => select({}), { name: 'RangeError', message: /`branches`.*at least one branch/ });
    assert.throws(() => select({ a: 1 } as never), { name: 'TypeError', message: 'Expected `branches.a` to be a function, got 1' });
  });

  it('a long-lived token branch leaves no waiter behind across many iterations', async () => {
    const token = new CancellationToken();
    const channel = new Channel<number>(1);
    const signal = token.signal;
    for (let i = 0; i < 1_000; i++) {
      channel.trySend(i);
      const next = await select({ v: (s) => channel.recv({ signal: s }), stop: (s) => token.wait({ signal: s }) });
      assert.equal(next.key, 'v');
    }
    assert.equal(listeners(signal), 0);
  });
});
