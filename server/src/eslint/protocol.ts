/**
 * Messages between the server's main thread and its lint worker (`lint-worker.ts`). Plain data
 * only: everything crosses `postMessage` by structured clone.
 */

/** The part of the settings that changes how a file is linted (sent with every lint). */
export interface LintSettings {
  typeAware: boolean;
  rules: Record<string, 'off' | 'warn' | 'error'>;
  raceHelpers: string[];
  runtimeModule: string;
}

export interface LintRequest {
  type: 'lint';
  id: number;
  /** The file the text belongs to (it need not exist on disk). */
  filePath: string;
  /** The workspace folder the file belongs to: where the workspace's ESLint is resolved from. */
  root: string;
  text: string;
  settings: LintSettings;
  /**
   * False in an untrusted workspace (VS Code's Restricted Mode): run no workspace code, i.e.
   * neither its ESLint nor its `eslint.config.*`; only the bundled ESLint and the embedded config.
   */
  trusted: boolean;
}

/** Stop a lint: answered with `cancelled` at the lint's next await point (ESLint's own work is synchronous). */
export interface CancelRequest {
  type: 'cancel';
  id: number;
}

/** Configuration files changed: forget every cached ESLint instance and config decision. */
export interface InvalidateRequest {
  type: 'invalidate';
}

export type ToWorker = LintRequest | CancelRequest | InvalidateRequest;

/** An ESLint message, reduced to what the server uses. */
export interface WireMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fatal?: boolean;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
  /** Secondary locations recorded through the related-locations convention (lines 1-based, columns 0-based). */
  related?: { message: string; loc: { start: { line: number; column: number }; end: { line: number; column: number } } }[];
}

export interface EngineInfo {
  version: string;
  source: 'workspace' | 'bundled';
  path: string;
}

export interface LintOutcome {
  messages: WireMessage[];
  /** Docs URL per rule id that reported. */
  docs: Record<string, string>;
  config: { kind: 'workspace' | 'embedded' | 'ignored'; file?: string };
  eslint: EngineInfo;
  /** ESLint or the config failed: the message says what and for which file. */
  error?: { message: string; configFile?: string; crashed?: boolean };
  /** Sentences for the log, each reported once by the main thread (e.g. an unknown rule in `cancelSafe.rules`). */
  notes: string[];
  durationMs: number;
  /** How the embedded config's parser read the text: only the statements around the edit, or all of it. */
  parse?: { incremental: boolean; reparsedCharacters: number; characters: number };
}

export type FromWorker =
  | { type: 'result'; id: number; outcome: LintOutcome }
  | { type: 'cancelled'; id: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
