import * as assert from 'node:assert/strict';
import { JoinSet, TaskTracker } from 'cancel-safe';
import { aborted, flush, listeners, state } from './helpers.js';

describe('TaskTracker', () => {
  it('.wait() - resolves only once closed AND empty', async () => {
    const tracker = new TaskTracker();
    let finish!: () => void;
    const task = tracker.spawn(() => new Promise<void>((resolve) => (finish = resolve)));
    assert.equal(tracker.size, 1);
    const waiting = tracker.wait();
    assert.equal(await state(waiting), 'pending');
    tracker.close();
    assert.equal(await state(waiting), 'pending');
    finish();
    await task;
    assert.equal(await state(waiting), 'fulfilled');
    assert.equal(tracker.size, 0);
  });

  it('.wait() - an open, empty tracker does not resolve (tokio-util semantics)', async () => {
    const tracker = new TaskTracker();
    assert.equal(await state(tracker.wait()), 'pending');
    tracker.close();
    await tracker.wait();
  });

  it('.spawn() - allowed after close(); the result and the error reach the caller', async () => {
    const tracker = new TaskTracker();
    tracker.close();
    assert.equal(await tracker.spawn(() => 7), 7);
    await assert.rejects(
      tracker.spawn(() => {
        throw new Error('sync');
      }),
      /sync/,
    );
    await assert.rejects(tracker.spawn(async () => Promise.reject(new Error('async'))), /async/);
    assert.equal(tracker.size, 0);
    assert.throws(() => tracker.spawn('x' as never), { name: 'TypeError', message: 'Expected `task` to be a function, got "x"' });
  });

  it('.track() - tracks a running promise; rejects non-thenables with TypeError', async () => {
    const tracker = new TaskTracker();
    let finish!: (value: number) => void;
    const tracked = tracker.track(new Promise<number>((resolve) => (finish = resolve)));
    tracker.close();
    assert.equal(tracker.size, 1);
    finish(1);
    assert.equal(await tracked, 1);
    await tracker.wait();
    assert.throws(() => tracker.track(5 as never), { name: 'TypeError', message: /`promise`/ });
  });

  it('.reopen() - pending waits wait for the next close', async () => {
    const tracker = new TaskTracker();
    const waiting = tracker.wait();
    tracker.close();
    tracker.reopen();
    assert.equal(tracker.isClosed, false);
    // close() woke the waiter already (closed and empty at that moment).
    assert.equal(await state(waiting), 'fulfilled');
    const next = tracker.wait();
    assert.equal(await state(next), 'pending');
    tracker.close();
    await next;
  });

  it('.wait() - an aborted wait (a shutdown deadline) leaves the tasks tracked and no listener', async () => {
    const tracker = new TaskTracker();
    let finish!: () => void;
    void tracker.spawn(() => new Promise<void>((resolve) => (finish = resolve)));
    tracker.close();
    const controller = new AbortController();
    const waiting = tracker.wait({ signal: controller.signal });
    controller.abort(new Error('deadline'));
    await assert.rejects(waiting, /deadline/);
    assert.equal(listeners(controller.signal), 0);
    assert.equal(tracker.size, 1);
    await assert.rejects(tracker.wait({ signal: aborted('x') }), (error) => error === 'x');
    finish();
    await tracker.wait();
  });
});

describe('JoinSet', () => {
  it('.joinNext() - results in completion order, then undefined', async () => {
    const set = new JoinSet<string>();
    const resolvers: Record<string, () => void> = {};
    for (const name of ['a', 'b', 'c']) {
      set.spawn(() => new Promise<string>((resolve) => (resolvers[name] = () => resolve(name))));
    }
    assert.equal(set.size, 3);
    resolvers.c!();
    resolvers.a!();
    assert.deepEqual(await set.joinNext(), { status: 'fulfilled', value: 'c' });
    assert.deepEqual(await set.joinNext(), { status: 'fulfilled', value: 'a' });
    resolvers.b!();
    assert.deepEqual(await set.joinNext(), { status: 'fulfilled', value: 'b' });
    assert.equal(set.size, 0);
    assert.equal(await set.joinNext(), undefined);
  });

  it('.spawn() - rejections and synchronous throws become rejected results', async () => {
    const set = new JoinSet<number>();
    const error = new Error('x');
    set.spawn(() => {
      throw error;
    });
    assert.deepEqual(await set.joinNext(), { status: 'rejected', reason: error });
    assert.throws(() => set.spawn(null as never), { name: 'TypeError', message: 'Expected `task` to be a function, got null' });
  });

  it('.joinNext() - an aborted join takes no result and leaves no listener', async () => {
    const set = new JoinSet<number>();
    let finish!: (value: number) => void;
    set.spawn(() => new Promise<number>((resolve) => (finish = resolve)));
    const controller = new AbortController();
    const waiting = set.joinNext({ signal: controller.signal });
    controller.abort('stop');
    await assert.rejects(waiting, (error) => error === 'stop');
    assert.equal(listeners(controller.signal), 0);
    finish(4);
    await flush();
    assert.equal(set.size, 1);
    assert.deepEqual(await set.joinNext(), { status: 'fulfilled', value: 4 });
    await assert.rejects(set.joinNext({ signal: aborted('x') }), (e) => e === 'x');
  });

  it('.joinNext() - extra waiting joiners resolve undefined when the set runs empty', async () => {
    const set = new JoinSet<number>();
    set.spawn(async () => 1);
    const [a, b] = await Promise.all([set.joinNext(), set.joinNext()]);
    assert.deepEqual(a, { status: 'fulfilled', value: 1 });
    assert.equal(b, undefined);
  });

  it('.abortAll() - aborts every running task; later spawns get a fresh signal', async () => {
    const set = new JoinSet<string>();
    const signals: AbortSignal[] = [];
    const task = (signal: AbortSignal) =>
      new Promise<string>((_, reject) => {
        signals.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    set.spawn(task);
    set.spawn(task);
    set.abortAll('cancelled');
    set.spawn(async (signal) => (signal.aborted ? 'aborted' : 'fresh'));
    const results = [];
    for await (const result of set) results.push(result);
    assert.deepEqual(results.slice(0, 2), [
      { status: 'rejected', reason: 'cancelled' },
      { status: 'rejected', reason: 'cancelled' },
    ]);
    assert.deepEqual(results[2], { status: 'fulfilled', value: 'fresh' });
  });

  it('[Symbol.asyncDispose]() - aborts and waits for every task to settle', async () => {
    const set = new JoinSet<void>();
    let settled = 0;
    for (let i = 0; i < 3; i++) {
      set.spawn(
        (signal) =>
          new Promise<void>((resolve) =>
            signal.addEventListener(
              'abort',
              () =>
                setTimeout(() => {
                  settled++;
                  resolve();
                }, 5),
              { once: true },
            ),
          ),
      );
    }
    await set[Symbol.asyncDispose]();
    assert.equal(settled, 3);
    await new JoinSet()[Symbol.asyncDispose]();
  });
});
