import { assertFunction, assertSignal, rangeError, setClaim, typeError } from './internal.js';

/** The result of {@link select}: which branch won and the value it produced. */
export type Selected<B extends Record<string, (signal: AbortSignal) => Promise<unknown>>> = {
  [K in keyof B]: { key: K; value: Awaited<ReturnType<B[K]>> };
}[keyof B];

// One shared reason for every losing branch: building an Error (and its stack) per call would be
// most of the cost of a select loop.
const lostReason = (): DOMException => (lost ??= new DOMException('Another select() branch settled first; this branch was cancelled.', 'AbortError'));
let lost: DOMException | undefined;

/**
 * Runs every branch with its own AbortSignal, settles with the first branch to settle, and aborts
 * the others: Tokio's `select!` for promises.
 *
 * Unlike `Promise.race`, the losers are told to stop (their signals abort), and a long-lived
 * branch such as `(s) => token.wait({ signal: s })` leaves nothing behind on the long-lived object,
 * so a loop over `select` keeps the heap flat. With cancel-safe branches (`Channel.recv`/`send`,
 * `Semaphore.acquire`, `JoinSet.joinNext`, `sleep`, token and tracker waits) nothing is lost
 * either: those primitives *claim* the win at the moment they would consume something, and the
 * claim aborts the other branches synchronously, so two branches can never both take a value.
 * Pass the branch's signal straight to such a primitive: a signal derived from it (through
 * `timeout` or your own controller) cannot claim, and then a value consumed in the same tick as
 * another branch settles can be lost.
 *
 * **Cancel safety:** aborting `opts.signal` aborts every branch with `opts.signal.reason` and
 * rejects with it; with cancel-safe branches nothing is consumed. Branches that ignore their
 * signal keep running after `select` settles.
 *
 * @param branches - named functions from a signal to a promise; at least one.
 * @param opts.signal - cancels the whole select.
 * @returns `{ key, value }` of the first branch to fulfil; rejects with the first branch to reject.
 * @throws TypeError when `branches` is not an object of functions; RangeError when it is empty.
 * @example
 * ```ts
 * for (;;) {
 *   const next = await select({
 *     job: (signal) => jobs.recv({ signal }),
 *     stop: (signal) => shutdown.wait({ signal }),
 *     idle: (signal) => sleep(30_000, { signal }),
 *   });
 *   if (next.key === 'stop') break;
 *   if (next.key === 'job') await handle(next.value);
 * }
 * ```
 */
export function select<B extends Record<string, (signal: AbortSignal) => Promise<unknown>>>(
  branches: B,
  opts?: { signal?: AbortSignal },
): Promise<Selected<B>> {
  if (typeof branches !== 'object' || branches === null) throw typeError('branches', 'an object of functions', branches);
  const keys = Object.keys(branches);
  if (keys.length === 0) throw rangeError('branches', 'an object with at least one branch (an empty select would never settle)', branches);
  for (const key of keys) assertFunction(`branches.${key}`, branches[key]);
  const outer = opts?.signal;
  assertSignal(outer);
  if (outer?.aborted) return Promise.reject(outer.reason);

  return new Promise<Selected<B>>((resolve, reject) => {
    const count = keys.length;
    const controllers: AbortController[] = new Array<AbortController>(count);
    // -1 while open, the winning index once a branch claimed, -2 after an outer abort.
    let winner = -1;
    const onOuterAbort = (): void => {
      if (winner !== -1) return;
      winner = -2;
      for (let j = 0; j < count; j++) controllers[j]?.abort(outer!.reason);
      reject(outer!.reason);
    };
    const win = (index: number): boolean => {
      if (winner !== -1) return winner === index;
      winner = index;
      outer?.removeEventListener('abort', onOuterAbort);
      const reason = lostReason();
      for (let j = 0; j < count; j++) if (j !== index) controllers[j]?.abort(reason);
      return true;
    };
    outer?.addEventListener('abort', onOuterAbort, { once: true });

    for (let i = 0; i < count && winner === -1; i++) {
      const key = keys[i]!;
      const controller = new AbortController();
      controllers[i] = controller;
      setClaim(controller.signal, () => win(i));
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(branches[key]!(controller.signal));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => {
          if (win(i)) resolve({ key, value } as Selected<B>);
        },
        (error: unknown) => {
          if (win(i)) reject(error);
        },
      );
    }
  });
}
