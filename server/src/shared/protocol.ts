/**
 * What the VS Code client and the language server agree on: the `cancelSafe.*` settings and the
 * names of custom notifications and commands. Both sides import this module (the client through its
 * esbuild bundle), so a renamed setting cannot drift between them. Keep it free of imports: it is
 * compiled into both bundles.
 */

/** `run`: lint as you type (debounced) or only when a document is saved. */
export type RunMode = 'onType' | 'onSave';

/** Severity override for one rule in `cancelSafe.rules` (`{ "no-leaky-timeout": "warn" }`). */
export type RuleSeverity = 'off' | 'warn' | 'error';

/** The settings under the `cancelSafe` section, as the server reads them per document. */
export interface CancelSafeSettings {
  enable: boolean;
  run: RunMode;
  /**
   * Severity overrides keyed by rule id without the `cancel-safe/` prefix. With the embedded
   * config they configure the rule (so `"warn"` turns on a rule outside `recommended`); with the
   * workspace's own `eslint.config.*` they only re-grade or hide what that config reports.
   */
  rules: Record<string, RuleSeverity>;
  /** Lint with type information (typescript-eslint project service, workspace tsconfig). */
  typeAware: boolean;
  /** `settings['cancel-safe'].raceHelpers` for the embedded config. */
  raceHelpers: string[];
  /** `settings['cancel-safe'].runtimeModule` for the embedded config. */
  runtimeModule: string;
  trace: { server: 'off' | 'messages' | 'verbose' };
  /**
   * Opt in to `workspace/diagnostic`: report every file of the workspace folder, open or not
   * (pull-capable clients only). Read with the workspace folder as scope. Default `false`.
   */
  workspaceDiagnostics?: boolean;
}

export const DEFAULT_SETTINGS: CancelSafeSettings = {
  enable: true,
  run: 'onType',
  rules: {},
  typeAware: false,
  raceHelpers: [],
  runtimeModule: 'cancel-safe',
  trace: { server: 'off' },
  workspaceDiagnostics: false,
};

/** The configuration section the server requests with `workspace/configuration`. */
export const SETTINGS_SECTION = 'cancelSafe';

/** `source` of every diagnostic the server publishes; also the suffix of its fix-all code action kind. */
export const DIAGNOSTIC_SOURCE = 'cancel-safe';

/** Code action kind for `editor.codeActionsOnSave`: applies every fix (never a suggestion) of the file. */
export const FIX_ALL_CODE_ACTION_KIND = 'source.fixAll.cancel-safe';

/**
 * Commands the server executes (`workspace/executeCommand`); it advertises them in
 * `executeCommandProvider`, so vscode-languageclient registers them: a client must not register
 * the same ids itself.
 */
export const Commands = {
  /** Arguments: `[{ uri: string, version?: number }]`. Applies every fix of the file through `workspace/applyEdit`. */
  fixAll: 'cancelSafe.fixAll',
  /** Arguments: `[url: string]`. Opens a rule's documentation through `window/showDocument` (external). */
  showDocumentation: 'cancelSafe.showDocumentation',
} as const;

/** Where the server is: `starting` until the first lint, `error` while the last lint of the document failed. */
export type ServerState = 'starting' | 'ok' | 'error' | 'disabled';

/**
 * Params of the {@link STATUS_NOTIFICATION} notification, sent by the server after each lint of a
 * document (with `uri`) and when its global state changes (without `uri`). A client shows it for
 * the active editor (VS Code: a language status item).
 */
export interface StatusParams {
  state: ServerState;
  /** The document this status describes; absent for a server-wide change. */
  uri?: string;
  /** The ESLint that linted the document: its version, and whether it is the workspace's or the server's own. */
  eslint?: { version: string; source: 'workspace' | 'bundled'; path: string };
  /**
   * The configuration in use for the document: the workspace's `eslint.config.*` (`file`), the
   * embedded `recommended` config, or `ignored` when the workspace config ignores the file.
   */
  config?: { kind: 'workspace' | 'embedded' | 'ignored'; file?: string };
  /** When the document was last linted (ISO 8601), how long it took and which document version it saw. */
  lastLint?: { at: string; durationMs: number; version: number; problems: number };
  /** The last error for the document (config that does not load, a throwing rule, a crashed worker), if any. */
  error?: string;
  /** How many times a lint worker died and was replaced since the server started. */
  workerRestarts: number;
}

/** Server to client notification carrying {@link StatusParams}. */
export const STATUS_NOTIFICATION = 'cancelSafe/status';

/**
 * The convention through which a rule attaches secondary locations (LSP `relatedInformation`) to
 * a report: ESLint's results carry no extra data, so a rule hands them to a sink the server
 * installs at `globalThis[Symbol.for(RELATED_LOCATIONS_SYMBOL)]` in its lint worker (see
 * `reportWithRelated` in eslint-plugin-cancel-safe's `util/related`). The sink is a function that
 * takes one {@link RelatedLocationsRecord}; outside the server it is absent and nothing is recorded.
 */
export const RELATED_LOCATIONS_SYMBOL = 'cancel-safe.relatedLocations';

/** What a rule hands to the related-locations sink for one report (lines 1-based, columns 0-based as in ESTree). */
export interface RelatedLocationsRecord {
  filename: string;
  ruleId: string;
  messageId?: string;
  /** Where the report starts, to match it with ESLint's message. */
  line: number;
  column: number;
  related: { message: string; loc: { start: { line: number; column: number }; end: { line: number; column: number } } }[];
}

/**
 * `initializationOptions` of the `initialize` request. The VS Code client sends it on every
 * (re)start and restarts the server when the user grants workspace trust.
 */
export interface InitializationOptions {
  /**
   * `false` in an untrusted workspace (VS Code's Restricted Mode): the server must run no code from
   * the workspace, so it neither loads the workspace's installed ESLint nor its `eslint.config.*`,
   * and lints with its bundled ESLint and the embedded `recommended` config (saying so in the log
   * and in {@link StatusParams}). Absent (editors without a trust model) means trusted.
   */
  workspaceTrusted?: boolean;
}
