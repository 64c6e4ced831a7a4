/**
 * The linting logic behind the LSP wiring: which document is linted when, on which workspace's
 * queue and worker, and which result is current. It guarantees that a stale lint is cancelled when
 * a newer edit arrives, that a result never replaces a newer one, and that work stays bounded.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostics } from './diagnostics';
import type { LintOutcome, LintSettings } from './eslint/protocol';
import { LintQueue, type Priority } from './queue';
import type { CancelSafeSettings } from './shared/protocol';
import { LintCancelledError, WorkerHost } from './worker-host';

/** The result of linting one version of a document. */
export interface DocLint {
  uri: string;
  version: number;
  /** Derived from the text, the settings and the configuration epoch: equal ids mean equal results. */
  resultId: string;
  epoch: number;
  outcome: LintOutcome;
  diagnostics: Diagnostic[];
  at: Date;
  settings: CancelSafeSettings;
}

export interface ServiceDeps {
  documents: TextDocuments<TextDocument>;
  settingsFor(uri: string): Promise<CancelSafeSettings>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Tell the user once (the service deduplicates): a config that does not load, a crashed worker. */
  notify(message: string): void;
  /** A lint finished for the document's current version: publish, update status. */
  onLinted(lint: DocLint): void;
  /** Jobs waiting per workspace before the oldest background one is dropped (and re-queued later). */
  queueCapacity?: number;
}

interface DocState {
  latest?: DocLint;
  inFlight?: { version: number; epoch: number; abort: AbortController };
  waiters: { version: number; resolve(lint: DocLint | undefined): void }[];
}

interface Workspace {
  key: string;
  host: WorkerHost;
  queue: LintQueue;
  /** Documents dropped from a full queue; re-queued as it drains. */
  deferred: Set<string>;
}

const WORKSPACE_PREFIX = 'workspace:';
/** How long shutdown waits for in-flight lints (each stops within WorkerHost's abandon grace). */
const SHUTDOWN_DEADLINE_MS = 1_500;

export class LintService {
  readonly #deps: ServiceDeps;
  readonly #docs = new Map<string, DocState>();
  readonly #workspaces = new Map<string, Workspace>();
  /** Outcomes of lints that crashed or timed out, by result id: the same text is not linted again. */
  readonly #failed = new Map<string, LintOutcome>();
  readonly #told = new Set<string>();
  #folders: string[] = [];
  #trusted = true;
  #epoch = 0;
  #closed = false;

  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** Workspace folders (file system paths); each gets its own queue and worker on first use. */
  setFolders(folders: readonly string[]): void {
    this.#folders = [...folders].sort((a, b) => b.length - a.length);
  }

  /** False in an untrusted workspace: no workspace ESLint or config is loaded (see LintRequest.trusted). */
  setTrusted(trusted: boolean): void {
    this.#trusted = trusted;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Worker restarts summed over workspaces. */
  get restarts(): number {
    let total = 0;
    for (const workspace of this.#workspaces.values()) total += workspace.host.restarts;
    return total;
  }

  /** The last finished lint of the document, whatever its version. */
  latest(uri: string): DocLint | undefined {
    return this.#docs.get(uri)?.latest;
  }

  /** The last lint if it is of the current version and configuration. */
  current(uri: string): DocLint | undefined {
    const latest = this.#docs.get(uri)?.latest;
    const document = this.#deps.documents.get(uri);
    return latest && document && latest.version === document.version && latest.epoch === this.#epoch ? latest : undefined;
  }

  /**
   * Resolves with a lint of the document's current version (or newer); undefined when it closed or
   * `signal` aborted (a cancelled request stops waiting; the lint goes on for the document's sake,
   * and the document's next edit cancels it).
   */
  lint(uri: string, priority: Priority, signal?: AbortSignal): Promise<DocLint | undefined> {
    const current = this.current(uri);
    if (current) return Promise.resolve(current);
    const document = this.#deps.documents.get(uri);
    if (!document || this.#closed || signal?.aborted) return Promise.resolve(undefined);
    const state = this.#state(uri);
    return new Promise((resolve) => {
      const waiter = {
        version: document.version,
        resolve: (lint: DocLint | undefined) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lint);
        },
      };
      const onAbort = () => {
        state.waiters = state.waiters.filter((other) => other !== waiter);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.waiters.push(waiter);
      this.#schedule(uri, priority);
    });
  }

  /** The document changed: its in-flight lint is stale; lint the new text when `lintNow`. */
  changed(uri: string, lintNow: boolean): void {
    const document = this.#deps.documents.get(uri);
    const state = this.#docs.get(uri);
    if (document && state?.inFlight && state.inFlight.version !== document.version) state.inFlight.abort.abort();
    if (lintNow) this.#schedule(uri, 'interactive');
  }

  /** The document closed: cancel its work, forget its results. */
  closed(uri: string): void {
    const state = this.#docs.get(uri);
    state?.inFlight?.abort.abort();
    for (const waiter of state?.waiters ?? []) waiter.resolve(undefined);
    this.#docs.delete(uri);
    for (const workspace of this.#workspaces.values()) {
      workspace.queue.remove(uri);
      workspace.deferred.delete(uri);
    }
  }

  /**
   * Configuration (files or settings) changed: every result is stale. Workers drop their ESLint
   * instances; `relint` documents are queued again in the background.
   */
  invalidate(relint: readonly string[]): void {
    this.#epoch++;
    this.#failed.clear();
    for (const workspace of this.#workspaces.values()) workspace.host.invalidate();
    for (const state of this.#docs.values()) state.inFlight?.abort.abort();
    for (const uri of relint) this.#schedule(uri, 'background');
  }

  /** Lints text that is not an open document (workspace diagnostics), on its workspace's queue. */
  lintFile(uri: string, text: string, settings: CancelSafeSettings, signal: AbortSignal): Promise<LintOutcome | undefined> {
    const filePath = toPath(uri);
    const workspace = this.#workspace(filePath);
    return new Promise((resolve) => {
      const onAbort = () => {
        workspace.queue.remove(WORKSPACE_PREFIX + uri);
        resolve(undefined);
      };
      if (signal.aborted) return resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      workspace.queue.enqueue(WORKSPACE_PREFIX + uri, 'background', async () => {
        try {
          if (signal.aborted) return resolve(undefined);
          resolve(await workspace.host.lint({ filePath, root: this.#rootOf(filePath), text, settings: lintSettings(settings), trusted: this.#trusted }, signal, deadline(settings)));
        } catch (error) {
          if (!(error instanceof LintCancelledError)) this.#deps.log('error', `Linting ${filePath} for workspace diagnostics failed: ${String(error)}`);
          resolve(undefined);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      });
    });
  }

  /**
   * The path ESLint lints the document as: its file, or for an unsaved (`untitled:`) document a
   * path in the first workspace folder with the extension of its language, so configs match it.
   */
  documentPath(document: TextDocument): string {
    if (document.uri.startsWith('file:')) return fileURLToPath(document.uri);
    const extension = { typescript: '.ts', typescriptreact: '.tsx', javascriptreact: '.jsx' }[document.languageId] ?? '.js';
    const name = document.uri.replace(/^[a-z][\w+.-]*:/i, '').replace(/[^\w.-]+/g, '-').replace(/^-+/, '') || 'untitled';
    return path.join(this.#folders.at(-1) ?? os.tmpdir(), path.extname(name) ? name : name + extension);
  }

  /** The id a pull answer carries for `text` under `settings` in the current configuration epoch. */
  resultId(text: string, settings: CancelSafeSettings): string {
    return createHash('sha1').update(`${this.#epoch}\0${JSON.stringify(lintSettings(settings))}\0${settings.enable}\0`).update(text).digest('base64url');
  }

  /** Stops taking work, cancels in-flight lints and resolves once every worker has stopped. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    for (const state of this.#docs.values()) {
      state.inFlight?.abort.abort();
      for (const waiter of state.waiters.splice(0)) waiter.resolve(undefined);
    }
    // Every in-flight lint was aborted above and winds down concurrently; waiting in turn costs no
    // more. A job stuck on the client (a configuration request it never answers) must not hold
    // shutdown: after the deadline the workers are terminated regardless.
    const deadline = AbortSignal.timeout(SHUTDOWN_DEADLINE_MS);
    for (const workspace of this.#workspaces.values()) await workspace.queue.close(deadline);
    for (const workspace of this.#workspaces.values()) await workspace.host.dispose();
  }

  #state(uri: string): DocState {
    let state = this.#docs.get(uri);
    if (!state) {
      state = { waiters: [] };
      this.#docs.set(uri, state);
    }
    return state;
  }

  #schedule(uri: string, priority: Priority): void {
    const document = this.#deps.documents.get(uri);
    if (!document || this.#closed) return;
    const state = this.#state(uri);
    const inFlight = state.inFlight;
    if (inFlight && inFlight.version === document.version && inFlight.epoch === this.#epoch) return;
    inFlight?.abort.abort();
    const workspace = this.#workspace(this.documentPath(document));
    workspace.deferred.delete(uri);
    workspace.queue.enqueue(uri, priority, () => this.#run(uri, workspace));
  }

  async #run(uri: string, workspace: Workspace): Promise<void> {
    try {
      await this.#lintDocument(uri, workspace);
    } finally {
      this.#refill(workspace);
    }
  }

  async #lintDocument(uri: string, workspace: Workspace): Promise<void> {
    const document = this.#deps.documents.get(uri);
    const state = this.#docs.get(uri);
    if (!document || !state) return;
    const { version } = document;
    const epoch = this.#epoch;
    const settings = await this.#deps.settingsFor(uri);
    // An edit or a config change while the settings were fetched: the newer job will run.
    if (this.#deps.documents.get(uri)?.version !== version || this.#epoch !== epoch || this.#closed) return;
    const text = document.getText();
    const resultId = this.resultId(text, settings);
    const filePath = this.documentPath(document);
    let outcome: LintOutcome;
    if (!settings.enable) {
      outcome = { messages: [], docs: {}, config: { kind: 'embedded' }, eslint: { version: '', source: 'bundled', path: '' }, notes: [], durationMs: 0 };
    } else if (state.latest?.resultId === resultId) {
      // The text is back to what was linted (an undo): the result is still exact.
      outcome = state.latest.outcome;
    } else if (this.#failed.has(resultId)) {
      outcome = this.#failed.get(resultId)!;
    } else {
      const abort = new AbortController();
      state.inFlight = { version, epoch, abort };
      try {
        outcome = await workspace.host.lint({ filePath, root: this.#rootOf(filePath), text, settings: lintSettings(settings), trusted: this.#trusted }, abort.signal, deadline(settings));
      } catch (error) {
        if (error instanceof LintCancelledError) return;
        // Anything else is a fault of the worker plumbing, not of the file: answer with it as the
        // outcome so waiting pull requests settle and the user sees it, instead of a silent hang.
        const message = `cancel-safe could not lint ${filePath}: ${error instanceof Error ? error.message : String(error)}`;
        outcome = { messages: [], docs: {}, config: { kind: 'embedded' }, eslint: { version: '', source: 'bundled', path: '' }, notes: [], durationMs: 0, error: { message } };
      } finally {
        if (state.inFlight?.abort === abort) state.inFlight = undefined;
      }
      if (outcome.error?.crashed) {
        if (this.#failed.size >= 100) this.#failed.delete(this.#failed.keys().next().value!);
        this.#failed.set(resultId, outcome);
      }
      for (const note of outcome.notes) this.#once('warn', note, false);
      if (outcome.error) this.#once('error', outcome.error.message, true);
    }
    if (this.#docs.get(uri) !== state) return;
    // The document changed while this lint ran and the cancel came too late: its positions would
    // be off by the edit. The newer version's lint is already queued and will answer everyone.
    if (this.#deps.documents.get(uri)?.version !== version) return;
    const lint: DocLint = { uri, version, resultId, epoch, outcome, diagnostics: toDiagnostics(outcome, uri), at: new Date(), settings };
    // Never let an older version's result replace a newer one.
    if (state.latest && state.latest.version > version && state.latest.epoch >= epoch) return;
    state.latest = lint;
    const ready = state.waiters.filter((waiter) => waiter.version <= version);
    state.waiters = state.waiters.filter((waiter) => waiter.version > version);
    for (const waiter of ready) waiter.resolve(lint);
    this.#deps.onLinted(lint);
  }

  #once(level: 'warn' | 'error', message: string, notify: boolean): void {
    if (this.#told.has(message)) return;
    if (this.#told.size > 1_000) this.#told.clear();
    this.#told.add(message);
    this.#deps.log(level, message);
    if (notify) this.#deps.notify(message);
  }

  #refill(workspace: Workspace): void {
    for (const uri of workspace.deferred) {
      if (workspace.queue.size >= workspace.queue.capacity / 2) break;
      workspace.deferred.delete(uri);
      this.#schedule(uri, 'background');
    }
  }

  #folderOf(filePath: string): string | undefined {
    return this.#folders.find((folder) => filePath === folder || filePath.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
  }

  /** Where the workspace's ESLint is resolved from: the file's workspace folder, else its directory. */
  #rootOf(filePath: string): string {
    return this.#folderOf(filePath) ?? path.dirname(filePath);
  }

  #workspace(filePath: string): Workspace {
    const key = this.#folderOf(filePath) ?? '';
    let workspace = this.#workspaces.get(key);
    if (!workspace) {
      const deferred = new Set<string>();
      workspace = {
        key,
        host: new WorkerHost({ log: this.#deps.log }),
        queue: new LintQueue(this.#deps.queueCapacity ?? 256, (evicted) => {
          if (!evicted.startsWith(WORKSPACE_PREFIX)) deferred.add(evicted);
        }),
        deferred,
      };
      this.#workspaces.set(key, workspace);
    }
    return workspace;
  }
}

/** The settings that change lint results, as the worker takes them. */
export function lintSettings(settings: CancelSafeSettings): LintSettings {
  return { typeAware: settings.typeAware, rules: settings.rules, raceHelpers: settings.raceHelpers, runtimeModule: settings.runtimeModule };
}

function deadline(settings: CancelSafeSettings): number {
  // Type-aware linting builds a TypeScript program on its first lint: minutes on huge projects.
  return settings.typeAware ? 180_000 : 30_000;
}

/** A `file:` URI to a path; other schemes (untitled:) keep their text as a pseudo path. */
export function toPath(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  return uri;
}
