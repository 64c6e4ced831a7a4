import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, Diagnostic, PublishDiagnosticsParams, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** The built server (or, to test a bundle such as client/dist/server.js, `CANCEL_SAFE_SERVER_BIN`). */
export const SERVER_BIN = process.env.CANCEL_SAFE_SERVER_BIN ?? path.join(__dirname, '..', '..', 'server', 'bin', 'cancel-safe-language-server.js');
export const REPO = path.join(__dirname, '..', '..');

/** The real server in a child process, with a real JSON-RPC connection to it over stdio. */
export interface ServerUnderTest {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly stderr: () => string;
  /** Every `window/logMessage` and `window/showMessage` text so far. */
  readonly logs: string[];
  readonly shown: string[];
  /** Every `cancelSafe/status` notification so far. */
  readonly statuses: Record<string, unknown>[];
  /** Every `window/showDocument` request so far. */
  readonly shownDocuments: { uri: string; external?: boolean }[];
  /** What `workspace/configuration` answers for section `cancelSafe` (mutable: tests change settings). */
  settings: unknown;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Listens to a notification; unlike `connection.onNotification`, any number of listeners per method. */
  on<T>(method: string, listener: (params: T) => void): { dispose(): void };
  /** Sends shutdown + exit and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startServer(args: string[] = ['--stdio']): ServerUnderTest {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listeners = new Map<string, Set<(params: unknown) => void>>();
  const server: ServerUnderTest = {
    process: child,
    connection,
    stderr: () => stderr,
    logs: [],
    shown: [],
    statuses: [],
    shownDocuments: [],
    settings: {},
    exited,
    on<T>(method: string, listener: (params: T) => void) {
      let set = listeners.get(method);
      if (!set) {
        const created = new Set<(params: unknown) => void>();
        listeners.set(method, created);
        connection.onNotification(method, (params: unknown) => {
          for (const each of [...created]) each(params);
        });
        set = created;
      }
      const entry = listener as (params: unknown) => void;
      set.add(entry);
      return { dispose: () => void set.delete(entry) };
    },
    async stop() {
      if (child.exitCode === null) {
        try {
          await connection.sendRequest('shutdown');
          await connection.sendNotification('exit');
        } catch {
          child.kill();
        }
      }
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
  server.on('window/logMessage', (params: { message: string }) => server.logs.push(params.message));
  server.on('window/showMessage', (params: { message: string }) => server.shown.push(params.message));
  // No `window/showMessageRequest` handler on purpose: the server must tell the user through the
  // notification, which every client implements (a request unanswered here would be an error).
  server.on('cancelSafe/status', (params: Record<string, unknown>) => server.statuses.push(params));
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map(() => server.settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.onRequest('window/showDocument', (params: { uri: string; external?: boolean }) => {
    server.shownDocuments.push(params);
    return { success: true };
  });
  connection.listen();
  return server;
}

/** Pull-capable (VS Code-like) or push-only (Neovim 0.7-like) client capabilities. */
export function capabilities(mode: 'push' | 'pull'): ClientCapabilities {
  return {
    workspace: { configuration: true, applyEdit: true, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
    window: { showDocument: { support: true } },
    textDocument: mode === 'pull' ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false }, publishDiagnostics: {} } : { publishDiagnostics: { versionSupport: true } },
  };
}

/** Starts a server and performs the initialize handshake. */
export async function startInitialized(options: { mode?: 'push' | 'pull'; root?: string; settings?: unknown; initializationOptions?: unknown } = {}): Promise<ServerUnderTest> {
  const server = startServer();
  if (options.settings !== undefined) server.settings = options.settings;
  const root = options.root;
  await server.connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: root ? pathToFileURL(root).href : null,
    workspaceFolders: root ? [{ uri: pathToFileURL(root).href, name: path.basename(root) }] : null,
    capabilities: capabilities(options.mode ?? 'push'),
    ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
  });
  await server.connection.sendNotification('initialized', {});
  return server;
}

/** Resolves with the first notification of `method` whose params satisfy `predicate`. */
export function nextNotification<T>(server: ServerUnderTest, method: string, predicate: (params: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no ${method} notification within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = server.on(method, (params: T) => {
      if (!predicate(params)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(params);
    });
  });
}

/** Opens a document and resolves with the diagnostics published for `version` (push mode). */
export async function openAndWait(server: ServerUnderTest, uri: string, text: string, languageId = 'typescript', version = 1): Promise<PublishDiagnosticsParams> {
  const published = nextNotification<PublishDiagnosticsParams>(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === version);
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  return published;
}

/** Replaces a document's whole text and resolves with the diagnostics published for that version. */
export async function changeAndWait(server: ServerUnderTest, uri: string, text: string, version: number): Promise<PublishDiagnosticsParams> {
  const published = nextNotification<PublishDiagnosticsParams>(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === version);
  await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  return published;
}

/** Applies a workspace edit's changes for `uri` to `text` (as a client would). */
export function applyEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits = (edit.documentChanges ?? []).filter((change): change is TextDocumentEdit => 'textDocument' in change && change.textDocument.uri === uri).flatMap((change) => change.edits as TextEdit[]);
  return TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 0, text), edits);
}

/**
 * A temporary directory with `files` (relative path to content), removed by `cleanup`. `inRepo`
 * puts it under the repository's `.cache/` so its config can import the repo's ESLint and plugin
 * (and the server finds a workspace ESLint); else it is under the OS temp dir, with no ESLint.
 */
export function tempWorkspace(files: Record<string, string>, options: { inRepo?: boolean } = {}): { root: string; uri(relative: string): string; file(relative: string): string; cleanup(): void } {
  const parent = options.inRepo ? path.join(REPO, '.cache', 'server-tests') : os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const root = fs.realpathSync(fs.mkdtempSync(path.join(parent, 'cancel-safe-ls-')));
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
  return {
    root,
    uri: (relative) => pathToFileURL(path.join(root, relative)).href,
    file: (relative) => path.join(root, relative),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** `[line:col code]` strings, sorted, for comparing diagnostics with ESLint's messages. */
export function summarize(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code ?? 'parse'} ${d.severity}`).sort();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
