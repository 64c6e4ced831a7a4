/**
 * One bounded queue per workspace folder, feeding that folder's lint worker one job at a time.
 * Jobs are keyed (by document): enqueueing a key that is already waiting replaces it in place, so a
 * burst of edits costs one queued lint, not one per keystroke. Interactive jobs (an edited or
 * pulled document) run before background ones (open, config change, workspace diagnostics).
 */

export type Priority = 'interactive' | 'background';

interface Job {
  priority: Priority;
  run(): Promise<void>;
}

export class LintQueue {
  readonly #capacity: number;
  readonly #pending = new Map<string, Job>();
  readonly #onEvict: (key: string) => void;
  #running = false;
  #idle: { promise: Promise<void>; resolve(): void } | undefined;
  #closed = false;

  /**
   * @param capacity the most jobs waiting at once; past it the oldest background job is dropped
   *   and `onEvict` told (the caller re-enqueues it later), and if none is background the oldest.
   */
  constructor(capacity: number, onEvict: (key: string) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Expected \`capacity\` to be an integer >= 1, got ${capacity}`);
    this.#capacity = capacity;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#pending.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Queues `run` under `key`, replacing a waiting job with the same key (keeping the higher priority). */
  enqueue(key: string, priority: Priority, run: () => Promise<void>): void {
    if (this.#closed) return;
    const existing = this.#pending.get(key);
    if (existing) {
      existing.run = run;
      if (priority === 'interactive') existing.priority = priority;
    } else {
      if (this.#pending.size >= this.#capacity) this.#evictOne();
      this.#pending.set(key, { priority, run });
    }
    void this.#pump();
  }

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Drops a waiting job (the running one is cancelled through its own signal). */
  remove(key: string): void {
    this.#pending.delete(key);
  }

  /**
   * Stops taking jobs and drops the waiting ones; resolves when the running job has finished, or
   * when `signal` aborts (the caller's deadline: it stops waiting, the job is left to the process's end).
   */
  close(signal?: AbortSignal): Promise<void> {
    this.#closed = true;
    this.#pending.clear();
    if (!this.#running || signal?.aborted) return Promise.resolve();
    if (!this.#idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.#idle = { promise, resolve };
    }
    const idle = this.#idle;
    if (!signal) return idle.promise;
    return new Promise<void>((resolve) => {
      const onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      void idle.promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  #evictOne(): void {
    let victim: string | undefined;
    for (const [key, job] of this.#pending) {
      if (job.priority === 'background') {
        victim = key;
        break;
      }
    }
    victim ??= this.#pending.keys().next().value!;
    this.#pending.delete(victim);
    this.#onEvict(victim);
  }

  #take(): Job | undefined {
    let chosen: string | undefined;
    for (const [key, job] of this.#pending) {
      if (job.priority === 'interactive') {
        chosen = key;
        break;
      }
      chosen ??= key;
    }
    if (chosen === undefined) return undefined;
    const job = this.#pending.get(chosen)!;
    this.#pending.delete(chosen);
    return job;
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let job = this.#take(); job && !this.#closed; job = this.#take()) {
        try {
          await job.run();
        } catch {
          // A job reports its own failures; the queue must keep draining whatever happens.
        }
      }
    } finally {
      this.#running = false;
      this.#idle?.resolve();
      this.#idle = undefined;
    }
  }
}
