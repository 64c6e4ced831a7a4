/**
 * The Cancel Safe extension: starts the language server bundled next to this file, answers its
 * settings requests with validated `cancelSafe.*` values, shows its state in a language status
 * item and contributes four commands. All decisions that can be made without VS Code live in
 * settings.ts, status.ts and install-hint.ts (unit-tested); this file wires them to the API.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  Commands,
  SETTINGS_SECTION,
  STATUS_NOTIFICATION,
  type InitializationOptions,
  type StatusParams,
} from '../../server/src/shared/protocol';
import { detectPackageManager, installCommand, missingPackage, missingPackagesMessage, Once } from './install-hint';
import { ProblemLog, readSettings } from './settings';
import { CrashBudget, statusView, type ConnectionState } from './status';

/** The languages the server lints; .mjs/.cjs are `javascript`, .mts/.cts are `typescript` in VS Code. */
const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'] as const;
const DOCUMENT_SELECTOR = LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

let extension: CancelSafeExtension | undefined;
/** Set by the first line of the bundle (scripts/package.mjs), so the log shows module loading too. */
declare const __cancelSafeLoadStart: number | undefined;

/** Called by VS Code on the first JavaScript/TypeScript document or in a folder with an `eslint.config.*`. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  extension = new CancelSafeExtension(context);
  context.subscriptions.push(extension);
  const now = performance.now();
  // VS Code loads the bundle and the extension context in parallel, then calls activate(): the
  // first figure includes that wait, the second is the extension's own cost.
  const sinceLoad = typeof __cancelSafeLoadStart === 'number' ? `${(now - __cancelSafeLoadStart).toFixed(1)} ms after its bundle started loading, ` : '';
  extension.output.info(`Cancel Safe ${String(context.extension.packageJSON.version)} activated ${sinceLoad}activate() took ${(now - started).toFixed(1)} ms.`);
  // Not awaited: activation returns at once, the status item shows "starting" until the server is up.
  void extension.start();
}

/** Called by VS Code on shutdown; stopping the client sends `shutdown` + `exit` to the server. */
export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

class CancelSafeExtension implements vscode.Disposable {
  /** The log of the extension and the server. Shown only on request, never by itself. */
  readonly output = vscode.window.createOutputChannel('Cancel Safe', { log: true });
  readonly #context: vscode.ExtensionContext;
  readonly #status = vscode.languages.createLanguageStatusItem('cancelSafe.status', DOCUMENT_SELECTOR);
  readonly #client: LanguageClient;
  readonly #disposables: vscode.Disposable[] = [];
  readonly #settingsProblems = new ProblemLog();
  readonly #explained = new Once();
  readonly #crashes = new CrashBudget();
  /** The server's last status per document URI, and its last server-wide status under ''. */
  readonly #statuses = new Map<string, StatusParams>();
  #connection: ConnectionState = 'starting';
  #failure: string | undefined;

  constructor(context: vscode.ExtensionContext) {
    this.#context = context;
    this.#status.name = 'Cancel Safe';
    this.#status.command = { title: 'Show output', command: 'cancelSafe.showOutput', tooltip: 'Show the Cancel Safe output' };
    this.#client = this.#createClient();
    this.#disposables.push(
      this.output,
      this.#status,
      vscode.commands.registerCommand('cancelSafe.executeAutofix', () => this.#fixAll()),
      vscode.commands.registerCommand('cancelSafe.restart', () => this.#restart()),
      vscode.commands.registerCommand('cancelSafe.revalidate', () => this.#revalidate()),
      vscode.commands.registerCommand('cancelSafe.showOutput', () => this.output.show(true)),
      vscode.window.onDidChangeActiveTextEditor(() => this.#render()),
      vscode.workspace.onDidCloseTextDocument((document) => this.#statuses.delete(document.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTINGS_SECTION)) this.#settingsProblems.clear();
      }),
      // Restricted Mode ends: restart so the server may load the workspace's ESLint and config.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.output.info('Workspace trusted: restarting the server so it may use the workspace ESLint and eslint.config.*.');
        void this.#restart();
      }),
    );
    this.#render();
  }

  #createClient(): LanguageClient {
    const module = this.#context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Evaluated on every (re)start, so a restart after trust is granted sends the new value.
      initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted }),
      // No synchronize.fileEvents: the server registers its own watchers (eslint.config.*, package.json,
      // tsconfig*.json) dynamically; a second watcher here would re-lint everything twice per change.
      middleware: {
        workspace: {
          // The server asks per document; answer with checked values, never with what settings.json holds verbatim.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) return answers;
            return params.items.map((item, index) =>
              item.section === SETTINGS_SECTION ? this.#settingsFor(item.scopeUri) : (answers[index] as unknown),
            );
          },
        },
      },
      errorHandler: {
        error: (error, _message, count) => {
          this.output.error(`Connection to the server failed: ${error.message}`);
          return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: () => {
          if (this.#crashes.crash()) {
            this.output.warn(`The server stopped unexpectedly (${this.#crashes.count} time(s) in 3 minutes); restarting it.`);
            return { action: CloseAction.Restart, handled: true };
          }
          this.#fail(`it stopped ${this.#crashes.count} times in 3 minutes, so it is not restarted again`);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new LanguageClient('cancelSafe', 'Cancel Safe', serverOptions, clientOptions);
    this.#disposables.push(
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Running) this.#failure = undefined;
        if (this.#connection === 'failed' && newState === State.Stopped) return;
        this.#connection = newState === State.Running ? 'running' : newState === State.Stopped ? 'stopped' : 'starting';
        this.#render();
      }),
      client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => this.#onStatus(params)),
    );
    return client;
  }

  async start(): Promise<void> {
    this.#connection = 'starting';
    this.#render();
    try {
      await this.#client.start();
    } catch (error) {
      this.#fail((error as Error).message);
    }
  }

  async stop(): Promise<void> {
    if (this.#client.needsStop()) await this.#client.stop();
  }

  dispose(): void {
    for (const disposable of this.#disposables) disposable.dispose();
  }

  #settingsFor(scopeUri: string | undefined): unknown {
    const scope = scopeUri === undefined ? undefined : vscode.Uri.parse(scopeUri);
    const { settings, problems } = readSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION, scope));
    for (const problem of this.#settingsProblems.fresh(problems)) this.output.warn(problem);
    return settings;
  }

  #onStatus(params: StatusParams): void {
    this.#statuses.set(params.uri ?? '', params);
    if (params.error) void this.#explainMissingPackage(params);
    this.#render();
  }

  /** A config that imports an uninstalled package is explained once per package and folder. */
  async #explainMissingPackage(params: StatusParams): Promise<void> {
    const name = missingPackage(params.error ?? '');
    if (name === undefined) return;
    const folder = params.uri ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(params.uri)) : undefined;
    if (!this.#explained.first(`${folder?.uri.toString() ?? ''}\0${name}`)) return;
    let files: string[] = [];
    if (folder) {
      try {
        files = (await vscode.workspace.fs.readDirectory(folder.uri)).map(([file]) => file);
      } catch {
        // An unreadable folder only costs the lockfile guess: npm is suggested.
      }
    }
    const manager = detectPackageManager(files);
    const message = missingPackagesMessage([name], manager, vscode.workspace.workspaceFolders?.length === 1 ? undefined : folder?.name);
    this.output.warn(message);
    const command = installCommand(manager, [name]);
    const choice = await vscode.window.showWarningMessage(message, 'Copy install command', 'Show output');
    if (choice === 'Copy install command') await vscode.env.clipboard.writeText(command);
    if (choice === 'Show output') this.output.show(true);
  }

  #render(): void {
    const document = vscode.window.activeTextEditor?.document;
    const status = (document && this.#statuses.get(document.uri.toString())) ?? this.#statuses.get('');
    const view = statusView({ connection: this.#connection, trusted: vscode.workspace.isTrusted, status, failure: this.#failure });
    this.#status.text = view.text;
    this.#status.detail = view.detail;
    this.#status.busy = view.busy;
    this.#status.severity =
      view.severity === 'error' ? vscode.LanguageStatusSeverity.Error : view.severity === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  #fail(reason: string): void {
    this.#connection = 'failed';
    this.#failure = reason;
    this.output.error(`The Cancel Safe server is not running: ${reason}. Run "Cancel Safe: Restart server" once the cause is fixed.`);
    this.#render();
    void vscode.window.showErrorMessage(`Cancel Safe: the language server is not running (${reason}).`, 'Show output').then((choice) => {
      if (choice) this.output.show(true);
    });
  }

  async #restart(): Promise<void> {
    this.#statuses.clear();
    this.#failure = undefined;
    this.#connection = 'starting';
    this.#render();
    try {
      if (this.#client.needsStop()) await this.#client.stop();
      await this.#client.start();
      this.output.info('Server restarted.');
    } catch (error) {
      this.#fail((error as Error).message);
    }
  }

  /** Settings changes make the server drop its caches and re-lint every open document. */
  async #revalidate(): Promise<void> {
    if (!this.#client.isRunning()) {
      void vscode.window.showWarningMessage('Cancel Safe: the server is not running; run "Cancel Safe: Restart server" first.');
      return;
    }
    this.#settingsProblems.clear();
    await this.#client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    vscode.window.setStatusBarMessage('Cancel Safe: revalidating open files', 2000);
  }

  /** Applies every auto-fix of the active file through the server's fix-all command. */
  async #fixAll(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !(LANGUAGES as readonly string[]).includes(editor.document.languageId)) {
      void vscode.window.showInformationMessage('Cancel Safe: open a JavaScript or TypeScript file to fix its problems.');
      return;
    }
    if (!this.#client.isRunning()) {
      void vscode.window.showWarningMessage('Cancel Safe: the server is not running; run "Cancel Safe: Restart server" first.');
      return;
    }
    const document = editor.document;
    await vscode.commands.executeCommand(Commands.fixAll, { uri: document.uri.toString(), version: document.version });
  }
}
