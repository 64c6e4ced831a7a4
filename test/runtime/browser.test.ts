import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const runtime = path.join(__dirname, '..', '..', 'runtime');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** What the page sees: the runtime's core entry, bundled for the browser as `globalThis.cancelSafe`. */
type Runtime = typeof import('cancel-safe');
declare const cancelSafe: Runtime;

/**
 * The runtime's core entry in a real browser (Debian's Chromium, headless): the bundle is built
 * with esbuild for `platform: 'browser'`, so a `node:` import anywhere in its graph fails the build,
 * and the primitives then run on the browser's own AbortSignal, timers and microtasks.
 */
describe('cancel-safe (runtime) in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    ${CHROMIUM} does not exist: skipping the browser tests (CI installs Chromium; locally \`apt-get install -y chromium\` or set CHROMIUM).`);
      this.skip();
    }
    const bundle = await build({
      entryPoints: [path.join(runtime, 'dist', 'esm', 'index.js')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'cancelSafe',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent('<!doctype html><title>cancel-safe</title>');
    // The functions passed to page.evaluate() are serialized from this file as tsx compiled it,
    // with esbuild's keep-names helper `__name(fn, "name")` in them; the page needs it defined.
    await page.addScriptTag({ content: 'globalThis.__name = (target) => target;' });
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
  });

  it('exposes every export of the core entry', async () => {
    const names = await page.evaluate(() => Object.keys(cancelSafe).sort());
    const expected = Object.keys(await import('cancel-safe')).sort();
    assert.deepEqual(names, expected);
  });

  it('timeout() aborts the operation with a TimeoutError and clears its timer', async () => {
    const result = await page.evaluate(async () => {
      let seen: unknown;
      const error = await cancelSafe
        .timeout(20, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject((seen = signal.reason)), { once: true })))
        .catch((e: unknown) => e);
      const fast = await cancelSafe.timeout(1_000, async () => 'done');
      return { name: (error as Error).name, sameReason: error === seen, fast };
    });
    assert.deepEqual(result, { name: 'TimeoutError', sameReason: true, fast: 'done' });
  });

  it('Channel is bounded and FIFO: a send beyond capacity waits for a receive', async () => {
    const result = await page.evaluate(async () => {
      const channel = new cancelSafe.Channel<number>(2);
      await channel.send(1);
      await channel.send(2);
      let third = false;
      const sending = channel.send(3).then(() => (third = true));
      await cancelSafe.sleep(10);
      const waitedWhileFull = !third;
      const received = [await channel.recv(), await channel.recv()];
      await sending;
      received.push(await channel.recv());
      return { waitedWhileFull, received, full: channel.trySend(4) === 'sent' && channel.trySend(5) === 'sent' && channel.trySend(6) };
    });
    assert.deepEqual(result, { waitedWhileFull: true, received: [1, 2, 3], full: 'full' });
  });

  it('mapConcurrent keeps at most `limit` in flight and results in input order', async () => {
    const result = await page.evaluate(async () => {
      let running = 0;
      let peak = 0;
      const out = await cancelSafe.mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (ms) => {
        peak = Math.max(peak, ++running);
        await cancelSafe.sleep(ms * 3);
        running--;
        return ms * 10;
      });
      return { out, peak };
    });
    assert.deepEqual(result, { out: [50, 10, 40, 20, 30, 0], peak: 2 });
  });

  it('select() settles with the first branch and aborts the losers', async () => {
    const result = await page.evaluate(async () => {
      let loserAborted = false;
      const winner = await cancelSafe.select({
        fast: () => cancelSafe.sleep(5).then(() => 'fast'),
        slow: (signal) =>
          new Promise((resolve) => {
            signal.addEventListener(
              'abort',
              () => {
                loserAborted = true;
                resolve('slow');
              },
              { once: true },
            );
          }),
      });
      return { key: winner.key, value: winner.value, loserAborted };
    });
    assert.deepEqual(result, { key: 'fast', value: 'fast', loserAborted: true });
  });

  it('CancellationToken cancels its children; Semaphore, JoinSet and TaskTracker coordinate tasks', async () => {
    const result = await page.evaluate(async () => {
      const parent = new cancelSafe.CancellationToken();
      const child = parent.child();
      parent.cancel('stop');
      const semaphore = new cancelSafe.Semaphore(1);
      const permit = await semaphore.acquire();
      const second = semaphore.tryAcquire();
      permit.release();
      const set = new cancelSafe.JoinSet<number>();
      for (const n of [3, 1, 2]) set.spawn(() => cancelSafe.sleep(n * 5).then(() => n));
      const joined: number[] = [];
      for (let next = await set.joinNext(); next; next = await set.joinNext()) if (next.status === 'fulfilled') joined.push(next.value);
      const tracker = new cancelSafe.TaskTracker();
      let finished = 0;
      for (let i = 0; i < 3; i++) void tracker.spawn(() => cancelSafe.sleep(5).then(() => finished++));
      tracker.close();
      await tracker.wait();
      return { childCancelled: child.isCancelled, reason: child.reason, second: second === undefined, joined, finished };
    });
    assert.deepEqual(result, { childCancelled: true, reason: 'stop', second: true, joined: [1, 2, 3], finished: 3 });
  });

  it('retry() retries with backoff until the operation succeeds, and stops when its signal aborts', async () => {
    const result = await page.evaluate(async () => {
      let calls = 0;
      const value = await cancelSafe.retry(
        async () => {
          if (++calls < 3) throw new Error('flaky');
          return 'ok';
        },
        { retries: 5, minDelay: 1, maxDelay: 2 },
      );
      const controller = new AbortController();
      controller.abort(new Error('gave up'));
      const aborted = await cancelSafe.retry(async () => 'never', { signal: controller.signal }).catch((error: Error) => error.message);
      return { value, calls, aborted };
    });
    assert.deepEqual(result, { value: 'ok', calls: 3, aborted: 'gave up' });
  });
});
