/**
 * The main thread's handle on one lint worker: sends lint requests, enforces cancellation and
 * deadlines, and replaces the worker when it dies. One lint at a time per worker (the scheduler
 * guarantees it), so a worker that must be terminated takes no other document's lint with it.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, LintOutcome, LintRequest, ToWorker } from './eslint/protocol';

/** The lint was cancelled (a newer edit, `$/cancelRequest`, shutdown) and its result dropped. */
export class LintCancelledError extends Error {
  override readonly name = 'LintCancelledError';
}

export interface WorkerHostOptions {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** How long a cancelled lint may keep the worker busy before the worker is terminated and replaced. */
  abandonAfterMs?: number;
  /** A lint running longer than this is stopped (worker replaced) and reported as an error. */
  deadlineMs?: number;
  /**
   * The worker's starting heap limit. A small limit keeps V8 collecting early (the server's RSS
   * stays flat with hundreds of open files); a lint that runs out of it is retried on a worker
   * with four times the heap, up to {@link MAX_HEAP_MB}. Type-aware lints start at {@link TYPE_AWARE_HEAP_MB}.
   */
  initialHeapMb?: number;
}

/** Syntactic linting of one file needs a fraction of this; V8 grows the heap less eagerly under a lower limit. */
export const INITIAL_HEAP_MB = 1_024;
/** A TypeScript program of a large project. */
export const TYPE_AWARE_HEAP_MB = 2_048;
export const MAX_HEAP_MB = 8_192;

interface InFlight {
  id: number;
  message: LintRequest;
  /** Retried once on a bigger heap already. */
  retried: boolean;
  resolve(outcome: LintOutcome): void;
  reject(error: Error): void;
  cleanup(): void;
}

export class WorkerHost {
  #worker: Worker | undefined;
  #nextId = 1;
  #inFlight: InFlight | undefined;
  #lastError: Error | undefined;
  #restarts = 0;
  #disposed = false;
  #heapLimitMb: number;
  /** The heap limit the running worker was started with. */
  #workerHeapMb = 0;
  readonly #options: Required<WorkerHostOptions>;

  constructor(options: WorkerHostOptions) {
    this.#options = { abandonAfterMs: 1_000, deadlineMs: 30_000, initialHeapMb: INITIAL_HEAP_MB, ...options };
    this.#heapLimitMb = this.#options.initialHeapMb;
  }

  /** The heap limit (MB) the next worker starts with. */
  get heapLimitMb(): number {
    return this.#heapLimitMb;
  }

  /** How many times a worker died or was terminated and replaced. */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * Lints in the worker. Settles when the worker is free again: with the outcome, with
   * {@link LintCancelledError} after `signal` aborted, or with an error outcome when the worker died
   * or missed the deadline (never rejects for those: they are the file's diagnostic).
   */
  lint(request: Omit<LintRequest, 'type' | 'id'>, signal?: AbortSignal, deadlineMs = this.#options.deadlineMs): Promise<LintOutcome> {
    if (this.#disposed) return Promise.reject(new LintCancelledError('The language server is shutting down.'));
    if (signal?.aborted) return Promise.reject(new LintCancelledError());
    if (this.#inFlight) return Promise.reject(new Error('WorkerHost.lint() called while a lint is in flight; the scheduler runs one lint per worker at a time.'));
    if (request.settings.typeAware && this.#heapLimitMb < TYPE_AWARE_HEAP_MB) {
      this.#heapLimitMb = TYPE_AWARE_HEAP_MB;
      // An idle worker with the small heap is replaced now rather than after it runs out.
      if (this.#worker && this.#workerHeapMb < this.#heapLimitMb) void this.#retire();
    }
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<LintOutcome>((resolve, reject) => {
      let abandonTimer: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        this.#replace(`Linting ${request.filePath} took longer than ${Math.round(deadlineMs / 1000)} s and was stopped (a rule may loop, or the project is too large for type-aware linting). The file is linted again when it changes.`);
      }, deadlineMs);
      const onAbort = () => {
        this.#post({ type: 'cancel', id });
        // ESLint's work is synchronous: the worker notices the cancel only between phases. A stale
        // lint that keeps it busy longer is not worth waiting for.
        abandonTimer = setTimeout(() => this.#replace(undefined), this.#options.abandonAfterMs);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const message = { type: 'lint', id, ...request } satisfies ToWorker;
      this.#inFlight = {
        id,
        message,
        retried: false,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(deadline);
          clearTimeout(abandonTimer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      worker.postMessage(message);
    });
  }

  /** Configuration files changed: the worker drops its ESLint instances (no-op without a worker). */
  invalidate(): void {
    this.#post({ type: 'invalidate' });
  }

  /** Ends the worker; an in-flight lint settles as cancelled. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#settle((entry) => entry.reject(new LintCancelledError('The language server is shutting down.')));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const heapMb = this.#heapLimitMb;
    const worker = new Worker(path.join(__dirname, 'lint-worker.js'), {
      // Bounded memory: a runaway plugin or a huge typed program ends this worker, not the server.
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
      stdout: true,
      stderr: true,
    });
    // Plugins may print; stdout is the LSP channel, so their output goes to the log instead.
    worker.stdout.setEncoding('utf8').on('data', (chunk: string) => this.#options.log('info', `[lint worker stdout] ${chunk.trimEnd()}`));
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => this.#options.log('info', `[lint worker stderr] ${chunk.trimEnd()}`));
    worker.on('message', (message: FromWorker) => this.#onMessage(message));
    worker.on('error', (error) => (this.#lastError = error));
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      if (this.#disposed) return;
      this.#restarts++;
      if (this.#retryWithMoreHeap(heapMb)) return;
      const cause = this.#lastError ? `${this.#lastError.message}` : `exit code ${code}; a plugin may have called process.exit()`;
      this.#lastError = undefined;
      this.#settle((entry) =>
        entry.resolve(crashOutcome(`The lint worker stopped while linting ${entry.message.filePath} (${cause}). The server replaced it and keeps serving; this file is linted again when it or the config changes.`)),
      );
    });
    worker.unref();
    this.#worker = worker;
    this.#workerHeapMb = heapMb;
    return worker;
  }

  /** The worker ran out of its heap: the lint in flight gets one more try on a worker with four times as much. */
  #retryWithMoreHeap(heapMb: number): boolean {
    const outOfMemory = (this.#lastError as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    if (!outOfMemory || heapMb >= MAX_HEAP_MB) return false;
    this.#heapLimitMb = Math.min(MAX_HEAP_MB, Math.max(this.#heapLimitMb, heapMb * 4));
    const entry = this.#inFlight;
    if (!entry || entry.retried) return false;
    this.#lastError = undefined;
    this.#options.log('warn', `The lint worker ran out of its ${heapMb} MB heap while linting ${entry.message.filePath}; retrying on a worker with ${this.#heapLimitMb} MB.`);
    entry.retried = true;
    this.#ensureWorker().postMessage(entry.message);
    return true;
  }

  /** Ends an idle worker so the next lint starts one with the current heap limit. */
  async #retire(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #onMessage(message: FromWorker): void {
    if (message.type === 'log') {
      this.#options.log(message.level, message.message);
      return;
    }
    if (this.#inFlight?.id !== message.id) return;
    if (message.type === 'result') this.#settle((entry) => entry.resolve(message.outcome));
    else this.#settle((entry) => entry.reject(new LintCancelledError()));
  }

  /** Terminates the worker (a new one starts on the next lint) and settles the in-flight lint. */
  #replace(errorMessage: string | undefined): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#restarts++;
    this.#settle((entry) => (errorMessage ? entry.resolve(crashOutcome(errorMessage)) : entry.reject(new LintCancelledError())));
    void worker?.terminate();
  }

  #settle(action: (entry: InFlight) => void): void {
    const entry = this.#inFlight;
    if (!entry) return;
    this.#inFlight = undefined;
    entry.cleanup();
    action(entry);
  }
}

function crashOutcome(message: string): LintOutcome {
  return { messages: [], docs: {}, config: { kind: 'embedded' }, eslint: { version: 'unknown', source: 'bundled', path: '' }, notes: [], error: { message, crashed: true }, durationMs: 0 };
}
