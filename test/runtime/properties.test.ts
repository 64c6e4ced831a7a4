import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Channel, mapConcurrent, Semaphore } from 'cancel-safe';
import { flush } from './helpers.js';

// Random programs of operations, each op started without awaiting, with microtask/macrotask turns
// in between, so that waiters, hand-offs, aborts and close interleave in every order.
type ChannelOp =
  | { kind: 'send' }
  | { kind: 'trySend' }
  | { kind: 'recv' }
  | { kind: 'abort'; pick: number }
  | { kind: 'close' }
  | { kind: 'turn' };

const channelOp: fc.Arbitrary<ChannelOp> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'send' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'trySend' as const }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'recv' as const }) },
  { weight: 3, arbitrary: fc.nat(50).map((pick) => ({ kind: 'abort' as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'turn' as const }) },
);

describe('Channel properties (fast-check)', () => {
  it('random send/trySend/recv/close/abort interleavings keep FIFO and lose or duplicate nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(channelOp, { maxLength: 60 }), async (capacity, ops) => {
        const channel = new Channel<number>(capacity);
        const controllers: AbortController[] = [];
        const pending: Promise<unknown>[] = [];
        const committed = new Set<number>(); // values whose send resolved / trySend said 'sent'
        const refused = new Set<number>(); // values whose send rejected / trySend said full or closed
        const received: number[] = []; // in the order the channel handed them out
        let next = 0;
        for (const op of ops) {
          if (op.kind === 'send') {
            const value = next++;
            const controller = new AbortController();
            controllers.push(controller);
            pending.push(channel.send(value, { signal: controller.signal }).then(() => committed.add(value), () => refused.add(value)));
          } else if (op.kind === 'trySend') {
            const value = next++;
            (channel.trySend(value) === 'sent' ? committed : refused).add(value);
          } else if (op.kind === 'recv') {
            const controller = new AbortController();
            controllers.push(controller);
            // The reaction is attached at once, so reactions run in the order values were handed out.
            pending.push(channel.recv({ signal: controller.signal }).then((value) => received.push(value), () => {}));
          } else if (op.kind === 'abort') {
            controllers[op.pick % Math.max(1, controllers.length)]?.abort(new Error('random abort'));
          } else if (op.kind === 'close') channel.close();
          else await flush();
        }
        channel.close();
        await Promise.all(pending);
        for (;;) {
          try {
            received.push(await channel.recv());
          } catch {
            break;
          }
        }
        assert.equal(new Set(received).size, received.length, `duplicated: ${received}`);
        assert.deepEqual([...received].sort((a, b) => a - b), received, `FIFO broken: ${received}`);
        assert.deepEqual(new Set(received), committed, 'every committed value is received, and only those');
        for (const value of refused) assert.ok(!committed.has(value));
        assert.equal(committed.size + refused.size, next);
      }),
      { numRuns: 300 },
    );
  });
});

type SemaphoreOp = { kind: 'acquire' } | { kind: 'tryAcquire' } | { kind: 'release'; pick: number } | { kind: 'abort'; pick: number } | { kind: 'turn' };

const semaphoreOp: fc.Arbitrary<SemaphoreOp> = fc.oneof(
  fc.constant({ kind: 'acquire' as const }),
  fc.constant({ kind: 'tryAcquire' as const }),
  fc.nat(50).map((pick) => ({ kind: 'release' as const, pick })),
  fc.nat(50).map((pick) => ({ kind: 'abort' as const, pick })),
  fc.constant({ kind: 'turn' as const }),
);

describe('Semaphore properties (fast-check)', () => {
  it('never exceeds its permits, serves waiters FIFO, and returns to full', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(semaphoreOp, { maxLength: 60 }), async (permits, ops) => {
        const semaphore = new Semaphore(permits);
        const held: { release(): void }[] = [];
        const controllers: AbortController[] = [];
        const pending: Promise<unknown>[] = [];
        const grantOrder: number[] = [];
        let requests = 0;
        const check = () => {
          assert.ok(semaphore.available >= 0);
          assert.ok(held.length + semaphore.available <= permits, `${held.length} held + ${semaphore.available} free > ${permits}`);
        };
        for (const op of ops) {
          if (op.kind === 'acquire') {
            const id = requests++;
            const controller = new AbortController();
            controllers.push(controller);
            pending.push(
              semaphore.acquire({ signal: controller.signal }).then(
                (permit) => {
                  grantOrder.push(id);
                  if (held.length >= permits) assert.fail(`granted a permit with ${held.length} of ${permits} already held`);
                  held.push(permit);
                  check();
                },
                () => {},
              ),
            );
          } else if (op.kind === 'tryAcquire') {
            const permit = semaphore.tryAcquire();
            if (permit && held.length >= permits) assert.fail(`tryAcquire granted a permit with ${held.length} of ${permits} already held`);
            if (permit) held.push(permit);
          } else if (op.kind === 'release') {
            if (held.length > 0) {
              const [permit] = held.splice(op.pick % held.length, 1);
              permit!.release();
              permit!.release(); // idempotent
            }
          } else if (op.kind === 'abort') controllers[op.pick % Math.max(1, controllers.length)]?.abort('random abort');
          else await flush();
          check();
        }
        for (const controller of controllers) controller.abort('end');
        await Promise.all(pending);
        check();
        assert.deepEqual([...grantOrder].sort((a, b) => a - b), grantOrder, `not FIFO: ${grantOrder}`);
        for (const permit of held.splice(0)) permit.release();
        assert.equal(semaphore.available, permits);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mapConcurrent properties (fast-check)', () => {
  it('never exceeds its limit and keeps input order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(3), { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), async (turns, limit, asyncSource) => {
        let inFlight = 0;
        let max = 0;
        async function* generate() {
          yield* turns;
        }
        const results = await mapConcurrent(asyncSource ? generate() : turns, limit, async (item, index) => {
          inFlight++;
          max = Math.max(max, inFlight);
          for (let i = 0; i < item; i++) await flush();
          inFlight--;
          return index;
        });
        assert.ok(max <= limit, `${max} in flight with limit ${limit}`);
        assert.deepEqual(results, turns.map((_, index) => index));
      }),
      { numRuns: 200 },
    );
  });
});
