import * as fs from 'node:fs';
import * as path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import type { ESLint, Rule } from 'eslint';

/** The id of the internal rule that counts linted files; it never reports anything. */
export const PROGRESS_RULE_ID = 'cancel-safe-cli/progress';

/** The BroadcastChannel the progress rule ticks on; it reaches every worker thread of this process. */
export const PROGRESS_CHANNEL = 'cancel-safe-cli/progress';

/**
 * A plugin with one rule that posts a tick on `channelName` each time a file starts linting.
 * ESLint's `lintFiles()` offers no per-file callback, and with `--concurrency` files are linted in
 * worker threads, so a rule plus a BroadcastChannel (shared by every thread of the process) is the
 * one hook that works in both modes. The rule holds no per-file state.
 */
export function createProgressPlugin(channelName: string): ESLint.Plugin {
  let channel: BroadcastChannel | undefined;
  const rule: Rule.RuleModule = {
    meta: { type: 'suggestion', schema: [], docs: { description: 'Counts linted files for the progress line.' } },
    create() {
      if (!channel) {
        channel = new BroadcastChannel(channelName);
        // A worker must be free to exit when ESLint is done with it.
        channel.unref();
      }
      channel.postMessage(1);
      return {};
    },
  };
  return { meta: { name: 'cancel-safe-cli' }, rules: { progress: rule } };
}

/**
 * Shows `cancel-safe: 120/2000 files` on stderr while a long run lints, redrawn at most ten times a
 * second and erased at the end. It appears only after a second, so quick runs print nothing extra.
 */
export class ProgressLine {
  #done = 0;
  #total: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #shown = false;
  readonly #channel: BroadcastChannel;
  readonly #stream: NodeJS.WriteStream;

  constructor(channelName: string, stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#channel = new BroadcastChannel(channelName);
    this.#channel.onmessage = () => {
      this.#done++;
    };
    this.#channel.unref();
    const started = Date.now();
    this.#timer = setInterval(() => {
      if (Date.now() - started >= 1000) this.#draw();
    }, 100);
    this.#timer.unref();
  }

  /** Sets the number of files the run will lint, once it is known. */
  set total(total: number | undefined) {
    this.#total = total;
  }

  #draw(): void {
    const total = this.#total === undefined ? '' : `/${Math.max(this.#total, this.#done)}`;
    this.#stream.write(`\r\u001B[2Kcancel-safe: ${this.#done}${total} files linted`);
    this.#shown = true;
  }

  /** Stops redrawing and erases the line so the report starts on a clean line. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#channel.close();
    if (this.#shown) this.#stream.write('\r\u001B[2K');
  }
}

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/**
 * Counts the files ESLint will lint for `patterns`, for the progress total. Directories are walked
 * and each file is asked `isPathIgnored` (which is also true for files no config matches); glob
 * patterns make the total unknown (undefined) rather than guessed.
 */
export async function countLintedFiles(eslint: ESLint, patterns: readonly string[], cwd: string): Promise<number | undefined> {
  let count = 0;
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!(await eslint.isPathIgnored(file))) count++;
  };
  for (const pattern of patterns) {
    const absolute = path.resolve(cwd, pattern);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(absolute);
    } catch {
      return undefined;
    }
    if (stat.isFile()) {
      await visit(absolute);
      continue;
    }
    const pending = [absolute];
    while (pending.length > 0) {
      const directory = pending.pop()!;
      const entries = await fs.promises.readdir(directory, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const entryPath = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          if (!ALWAYS_SKIPPED.has(entry.name)) pending.push(entryPath);
        } else if (entry.isFile()) {
          await visit(entryPath);
        }
      }
    }
  }
  return count;
}
