/**
 * cancel-safe-language-server: the LSP wiring (initialize, documents, diagnostics, code actions,
 * commands, settings, file watching). What gets linted when lives in `service.ts`, how ESLint runs
 * in `eslint/engine.ts` inside the lint worker, and code actions in `code-actions.ts`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type CancellationToken,
  type CodeAction,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAllAction, fixAllEdits, quickFixes, workspaceEdit, type LintedDocument } from './code-actions';
import { toDiagnostics } from './diagnostics';
import { LintService, toPath, type DocLint } from './service';
import { readSettings } from './settings';
import {
  Commands,
  FIX_ALL_CODE_ACTION_KIND,
  SETTINGS_SECTION,
  STATUS_NOTIFICATION,
  type CancelSafeSettings,
  type StatusParams,
} from './shared/protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Files whose change can change any lint result (ESLint's config, its package, TypeScript's config). */
const CONFIG_FILE = /^(?:eslint\.config\.[cm]?[jt]s|package\.json|tsconfig.*\.json)$/;
/** Languages and extensions the server lints; other documents get no diagnostics. */
const LANGUAGES = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact']);
const EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;
/** Directories never worth a workspace scan (the embedded config ignores them too). */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'vendor']);
const WORKSPACE_SCAN_LIMIT = 10_000;

let client = { pull: false, configuration: false, showDocument: false, refresh: false, dynamicWatch: false, dynamicConfiguration: false, workspaceFolders: false };
let globalSettings: unknown;
const settingsCache = new Map<string, Promise<CancelSafeSettings>>();
const reportedSettingsProblems = new Set<string>();
/** The highest document version published per URI: results of an older version are never sent after it. */
const published = new Map<string, number>();
let traceLevel: CancelSafeSettings['trace']['server'] = 'off';

function log(level: 'info' | 'warn' | 'error', message: string): void {
  try {
    if (level === 'error') connection.console.error(message);
    else if (level === 'warn') connection.console.warn(message);
    else connection.console.info(message);
  } catch {
    // The client is gone (EPIPE): stderr is the only place left.
    process.stderr.write(`cancel-safe: ${message}\n`);
  }
}

// A bug in the server or a client that disappears mid-request must never crash it (LSP clients
// restart a crashed server a few times, then give up for the whole session).
process.on('unhandledRejection', (reason) => log('error', `Unhandled promise rejection in cancel-safe-language-server (please report it): ${describe(reason)}`));
process.on('uncaughtException', (error) => log('error', `Uncaught exception in cancel-safe-language-server (please report it): ${describe(error)}`));

/**
 * A message for the user as the `window/showMessage` notification: it needs no answer, so a client
 * that does not implement `window/showMessageRequest` (the request `connection.window.show*Message`
 * sends) still shows it, and nothing waits on or rejects with the client's reply.
 */
function showMessage(type: MessageType, message: string): void {
  void connection.sendNotification(ShowMessageNotification.type, { type, message });
}

const service = new LintService({
  documents,
  settingsFor,
  log,
  notify: (message) => showMessage(MessageType.Error, `cancel-safe: ${message}`),
  onLinted: (lint) => {
    publish(lint);
    sendStatus(lint);
    if (traceLevel !== 'off') {
      log('info', `Linted ${lint.uri} v${lint.version} in ${lint.outcome.durationMs.toFixed(1)} ms with ESLint ${lint.outcome.eslint.version} (${lint.outcome.eslint.source}), ${lint.outcome.config.kind} config${lint.outcome.config.file ? ` ${lint.outcome.config.file}` : ''}${describeParse(lint.outcome.parse)}: ${lint.outcome.messages.length} problem(s).`);
    }
  },
});

connection.onInitialize((params): InitializeResult => {
  const capabilities = params.capabilities;
  client = {
    pull: capabilities.textDocument?.diagnostic !== undefined,
    configuration: capabilities.workspace?.configuration === true,
    showDocument: capabilities.window?.showDocument?.support === true,
    refresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    dynamicWatch: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    dynamicConfiguration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
  };
  const options = params.initializationOptions as Record<string, unknown> | null | undefined;
  if (options && typeof options === 'object' && SETTINGS_SECTION in options) globalSettings = options[SETTINGS_SECTION];
  // VS Code's Restricted Mode: run no workspace code (its ESLint, its eslint.config.*).
  const trusted = options?.workspaceTrusted !== false;
  service.setTrusted(trusted);
  if (!trusted) log('info', 'Untrusted workspace: linting with the bundled ESLint and the embedded recommended config only.');
  const folders = params.workspaceFolders?.map((folder) => toPath(folder.uri)) ?? (params.rootUri ? [toPath(params.rootUri)] : params.rootPath ? [params.rootPath] : []);
  service.setFolders(folders);
  workspaceFolders = folders;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_CODE_ACTION_KIND], resolveProvider: false },
      executeCommandProvider: { commands: [Commands.fixAll, Commands.showDocumentation] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...(client.pull ? { diagnosticProvider: { identifier: 'cancel-safe', interFileDependencies: false, workspaceDiagnostics: true } } : {}),
    },
    serverInfo: { name: 'cancel-safe-language-server', version: (require('../package.json') as { version: string }).version },
  };
});

let workspaceFolders: string[] = [];

connection.onInitialized(() => {
  log('info', `cancel-safe-language-server started: ${client.pull ? 'pull' : 'push'} diagnostics, workspace folders: ${workspaceFolders.join(', ') || '(none)'}.`);
  if (client.dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
  if (client.dynamicWatch) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: ['**/eslint.config.{js,mjs,cjs,ts,mts,cts}', '**/package.json', '**/tsconfig*.json'].map((globPattern) => ({
          globPattern,
          kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete,
        })),
      })
      .catch(() => undefined);
  }
  // vscode-languageserver throws on this registration for a client without workspace folders, and
  // the rest of this handler (the first status) would be skipped.
  if (client.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const removed = new Set(event.removed.map((folder) => toPath(folder.uri)));
      workspaceFolders = [...workspaceFolders.filter((folder) => !removed.has(folder)), ...event.added.map((folder) => toPath(folder.uri))];
      service.setFolders(workspaceFolders);
      configurationChanged('workspace folders changed');
    });
  }
  sendStatus(undefined);
});

// ---- settings ---------------------------------------------------------------------------------

function settingsFor(uri: string): Promise<CancelSafeSettings> {
  let settings = settingsCache.get(uri);
  if (!settings) {
    settings = (client.configuration ? connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }) : Promise.resolve(globalSettings))
      .then((raw: unknown) => validated(raw))
      .catch((error: unknown) => {
        log('warn', `Could not read the \`${SETTINGS_SECTION}\` settings for ${uri} (${describe(error)}); using the defaults.`);
        return validated(undefined);
      });
    // Bounded: one entry per open document and workspace folder is the working set.
    if (settingsCache.size > 2_000) settingsCache.clear();
    settingsCache.set(uri, settings);
  }
  return settings;
}

function validated(raw: unknown): CancelSafeSettings {
  const { settings, problems } = readSettings(raw);
  for (const problem of problems) {
    if (reportedSettingsProblems.has(problem)) continue;
    reportedSettingsProblems.add(problem);
    log('warn', problem);
  }
  traceLevel = settings.trace.server;
  return settings;
}

connection.onDidChangeConfiguration((params) => {
  const settings = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
  if (settings !== undefined) globalSettings = settings;
  configurationChanged('settings changed');
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  const relevant = changes.filter((change) => CONFIG_FILE.test(path.basename(toPath(change.uri))));
  if (relevant.length > 0) configurationChanged(`${relevant.map((change) => toPath(change.uri)).join(', ')} changed`);
});

/** Every result may be stale: forget settings and ESLint instances, re-lint what is open. */
function configurationChanged(reason: string): void {
  settingsCache.clear();
  reportedSettingsProblems.clear();
  log('info', `Re-linting open documents: ${reason}.`);
  const open = documents.all().filter(isLintable).map((document) => document.uri);
  service.invalidate(client.pull ? [] : open);
  if (client.pull && client.refresh) void connection.languages.diagnostics.refresh().catch(() => undefined);
}

function describeParse(parse: DocLint['outcome']['parse']): string {
  if (!parse) return '';
  return parse.incremental ? `, re-parsed ${parse.reparsedCharacters} of ${parse.characters} characters` : ', parsed in full';
}

// ---- documents --------------------------------------------------------------------------------

function isLintable(document: TextDocument): boolean {
  return LANGUAGES.has(document.languageId) || EXTENSION.test(document.uri);
}

documents.onDidOpen(({ document }) => {
  if (isLintable(document)) service.changed(document.uri, true);
});

documents.onDidChangeContent(({ document }) => {
  if (!isLintable(document)) return;
  // Whatever the run mode, the lint of the previous text is stale now.
  service.changed(document.uri, false);
  void settingsFor(document.uri).then((settings) => {
    if (settings.run === 'onType' && documents.get(document.uri)?.version === document.version) service.changed(document.uri, true);
  });
});

documents.onDidSave(({ document }) => {
  if (CONFIG_FILE.test(path.basename(toPath(document.uri)))) {
    configurationChanged(`${toPath(document.uri)} was saved`);
    return;
  }
  if (!isLintable(document)) return;
  void settingsFor(document.uri).then((settings) => {
    if (settings.run !== 'onSave') return;
    service.changed(document.uri, true);
    if (client.pull && client.refresh) void service.lint(document.uri, 'interactive').then(() => connection.languages.diagnostics.refresh().catch(() => undefined));
  });
});

documents.onDidClose(({ document }) => {
  service.closed(document.uri);
  settingsCache.delete(document.uri);
  published.delete(document.uri);
  if (!client.pull) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }).catch(() => undefined);
});

function publish(lint: DocLint): void {
  if (client.pull) return;
  const document = documents.get(lint.uri);
  // A newer edit is being linted (its result will follow) or an equal/newer result went out already.
  if (!document || document.version !== lint.version || lint.version < (published.get(lint.uri) ?? Number.NEGATIVE_INFINITY)) return;
  published.set(lint.uri, lint.version);
  void connection.sendDiagnostics({ uri: lint.uri, version: lint.version, diagnostics: lint.settings.enable ? lint.diagnostics : [] }).catch(() => undefined);
}

function sendStatus(lint: DocLint | undefined): void {
  const status: StatusParams = { state: 'starting', workerRestarts: service.restarts };
  if (lint) {
    const { outcome } = lint;
    status.uri = lint.uri;
    status.state = !lint.settings.enable ? 'disabled' : outcome.error ? 'error' : 'ok';
    if (outcome.eslint.version) status.eslint = outcome.eslint;
    if (lint.settings.enable) status.config = outcome.config;
    status.lastLint = { at: lint.at.toISOString(), durationMs: Math.round(outcome.durationMs * 10) / 10, version: lint.version, problems: outcome.messages.length };
    if (outcome.error) status.error = outcome.error.message;
  }
  void connection.sendNotification(STATUS_NOTIFICATION, status).catch(() => undefined);
}

// ---- pull diagnostics -------------------------------------------------------------------------

connection.languages.diagnostics.on(async (params, token) => {
  const uri = params.textDocument.uri;
  const document = documents.get(uri);
  if (!document || !isLintable(document)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  const settings = await settingsFor(uri);
  if (!settings.enable) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  let lint: DocLint | undefined;
  if (settings.run === 'onSave' && service.latest(uri)) {
    lint = service.latest(uri);
  } else {
    // Same text, settings and configuration as the client's last answer: nothing to lint.
    const resultId = service.resultId(document.getText(), settings);
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    lint = await service.lint(uri, 'interactive', abortSignalOf(token));
  }
  throwIfCancelled(token);
  if (!lint) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  if (params.previousResultId === lint.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: lint.resultId };
  return { kind: DocumentDiagnosticReportKind.Full, resultId: lint.resultId, items: lint.diagnostics };
});

connection.languages.diagnostics.onWorkspace(async (params, token, _workDone, resultProgress) => {
  const previous = new Map(params.previousResultIds.map(({ uri, value }) => [uri, value]));
  const signal = abortSignalOf(token);
  const all: WorkspaceDocumentDiagnosticReport[] = [];
  let batch: WorkspaceDocumentDiagnosticReport[] = [];
  let flushedAt = performance.now();
  const flush = (): void => {
    if (batch.length === 0) return;
    if (resultProgress) resultProgress.report({ items: batch });
    else all.push(...batch);
    batch = [];
    flushedAt = performance.now();
  };
  for (const folder of workspaceFolders) {
    const settings = await settingsFor(pathToFileURL(folder).href);
    if (!settings.workspaceDiagnostics || !settings.enable) continue;
    for await (const file of lintableFiles(folder, signal)) {
      const uri = pathToFileURL(file).href;
      // Open documents are reported by their own pulls, with their unsaved text.
      if (documents.get(uri)) continue;
      let text: string;
      try {
        const stat = await fs.stat(file);
        if (stat.size > 2_000_000) continue;
        text = await fs.readFile(file, 'utf8');
      } catch {
        continue;
      }
      const resultId = service.resultId(text, settings);
      if (previous.get(uri) === resultId) {
        batch.push({ uri, version: null, kind: DocumentDiagnosticReportKind.Unchanged, resultId });
      } else {
        const outcome = await service.lintFile(uri, text, settings, signal);
        if (!outcome) break;
        batch.push({ uri, version: null, kind: DocumentDiagnosticReportKind.Full, resultId, items: toDiagnostics(outcome, uri) });
      }
      if (batch.length >= 25 || performance.now() - flushedAt > 200) flush();
    }
    throwIfCancelled(token);
  }
  throwIfCancelled(token);
  flush();
  // With partial results every item went through $/progress; the final answer must be empty.
  return { items: resultProgress ? [] : all };
});

async function* lintableFiles(folder: string, signal: AbortSignal): AsyncGenerator<string> {
  const pending = [folder];
  let count = 0;
  while (pending.length > 0 && !signal.aborted) {
    const directory = pending.pop()!;
    let entries;
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) pending.push(full);
      } else if (entry.isFile() && EXTENSION.test(entry.name) && !/\.(?:min|bundle)\.[cm]?js$/.test(entry.name)) {
        if (++count > WORKSPACE_SCAN_LIMIT) {
          log('warn', `Workspace diagnostics stopped after ${WORKSPACE_SCAN_LIMIT} files in ${folder}; open a file to lint it.`);
          return;
        }
        yield full;
      }
    }
  }
}

// ---- code actions and commands ----------------------------------------------------------------

connection.onCodeAction(async (params, token) => {
  const document = documents.get(params.textDocument.uri);
  if (!document || !isLintable(document)) return [];
  const lint = service.current(document.uri) ?? (await service.lint(document.uri, 'interactive', abortSignalOf(token)));
  throwIfCancelled(token);
  // Edits are literal and versioned: they are only offered on the text that was linted.
  if (!lint || lint.version !== document.version || !lint.settings.enable) return [];
  const linted: LintedDocument = { document, messages: lint.outcome.messages, diagnostics: lint.diagnostics, docs: lint.outcome.docs };
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) actions.push(...quickFixes(linted, params.range));
  // Source actions only on request (editor.codeActionsOnSave, the Source Action menu).
  if (only && wants(FIX_ALL_CODE_ACTION_KIND)) {
    const fixAll = fixAllAction(linted);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
});

connection.onExecuteCommand(async (params, token) => {
  switch (params.command) {
    case Commands.fixAll: {
      const [target] = (params.arguments ?? []) as [{ uri?: unknown; version?: unknown } | undefined];
      if (!target || typeof target.uri !== 'string') {
        throw new ResponseError(ErrorCodes.InvalidParams, `${Commands.fixAll} expects [{ uri: string, version?: number }], got ${JSON.stringify(params.arguments)}.`);
      }
      const document = documents.get(target.uri);
      if (!document) throw new ResponseError(ErrorCodes.InvalidParams, `${Commands.fixAll}: ${target.uri} is not open; open it first.`);
      if (typeof target.version === 'number' && target.version !== document.version) return null;
      const lint = service.current(document.uri) ?? (await service.lint(document.uri, 'interactive', abortSignalOf(token)));
      throwIfCancelled(token);
      if (!lint || lint.version !== document.version) return null;
      const edits = fixAllEdits(document, lint.outcome.messages);
      if (edits.length === 0) return null;
      const result = await connection.workspace.applyEdit({ label: 'Fix all cancel-safe problems', edit: workspaceEdit(document, edits) });
      if (!result.applied) log('warn', `The client did not apply the cancel-safe fixes to ${document.uri}${result.failureReason ? `: ${result.failureReason}` : ''}.`);
      return null;
    }
    case Commands.showDocumentation: {
      const [url] = (params.arguments ?? []) as [unknown];
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${Commands.showDocumentation} expects [url: string] with an http(s) URL, got ${JSON.stringify(params.arguments)}.`);
      }
      if (client.showDocument) await connection.window.showDocument({ uri: url, external: true });
      else showMessage(MessageType.Info, `cancel-safe rule documentation: ${url}`);
      return null;
    }
    default:
      throw new ResponseError(ErrorCodes.InvalidParams, `Unknown command "${params.command}"; cancel-safe-language-server runs ${Object.values(Commands).join(', ')}.`);
  }
});

// ---- lifecycle --------------------------------------------------------------------------------

connection.onShutdown(async () => {
  // Waits for in-flight lints to stop (cancelled at their next checkpoint, or their worker is
  // terminated after a short grace) so `exit` right after finds nothing running.
  await service.shutdown();
});

function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}

documents.listen(connection);
connection.listen();
