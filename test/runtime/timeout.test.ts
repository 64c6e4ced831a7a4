import * as assert from 'node:assert/strict';
import { sleep, timeout, TimeoutError } from 'cancel-safe';

describe('timeout()', () => {
  it('resolves with the value of a fast operation and leaves no timer behind', async () => {
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const live = new Set<unknown>();
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      const handle = realSetTimeout(...args);
      live.add(handle);
      return handle;
    }) as typeof setTimeout;
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      live.delete(handle);
      realClearTimeout(handle);
    }) as typeof clearTimeout;
    try {
      assert.equal(await timeout(10_000, async () => 42), 42);
    } finally {
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
    }
    assert.equal(live.size, 0);
  });

  it('rejects with TimeoutError and aborts the operation signal with the same error', async () => {
    let seen: AbortSignal | undefined;
    const error = await timeout(5, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }).catch((reason: unknown) => reason);
    assert.ok(error instanceof TimeoutError);
    assert.equal((error as Error).name, 'TimeoutError');
    assert.equal(seen?.aborted, true);
    assert.equal(seen?.reason, error);
  });

  it('rejects at once with the reason of an already-aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let started = false;
    await assert.rejects(
      timeout(1_000, async () => {
        started = true;
      }, { signal: controller.signal }),
      /gone/,
    );
    assert.equal(started, false);
  });

  it('throws RangeError naming `ms` for a negative delay', () => {
    assert.throws(() => timeout(-1, async () => 1), { name: 'RangeError', message: /`ms`.*-1/ });
  });
});

describe('sleep()', () => {
  it('rejects with signal.reason and removes its listener when aborted', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
  });
});
