/**
 * What the language status item shows (the `{}` entry next to the language mode in the status
 * bar, as vscode-eslint has): the server's state, the ESLint in use and its config, the last lint,
 * and a severity when something is wrong. Pure logic, no `vscode` import, so every state is
 * unit-tested; extension.ts only copies a {@link StatusView} onto the real item.
 */

import type { StatusParams } from '../../server/src/shared/protocol';

/** Severity of the status item; maps 1:1 onto `vscode.LanguageStatusSeverity`. */
export type StatusSeverity = 'information' | 'warning' | 'error';

/** The client's view of the server process. */
export type ConnectionState = 'starting' | 'running' | 'stopped' | 'failed';

/** Everything the status item depends on. */
export interface StatusInput {
  connection: ConnectionState;
  /** `vscode.workspace.isTrusted`: in Restricted Mode only the bundled ESLint and embedded config run. */
  trusted: boolean;
  /** The server's last `cancelSafe/status` for the active document (or its last server-wide one). */
  status?: StatusParams;
  /** Why the server could not start or stopped for good. */
  failure?: string;
}

/** The rendered item. `text` may carry `$(codicon)` syntax. */
export interface StatusView {
  text: string;
  detail: string;
  severity: StatusSeverity;
  busy: boolean;
}

/**
 * Renders the status item for one state.
 * @param input the current state.
 * @param formatTime renders the last lint's time; the default is the user's locale clock time.
 * @returns text, detail, severity and busy flag for the language status item.
 */
export function statusView(input: StatusInput, formatTime: (date: Date) => string = (date) => date.toLocaleTimeString()): StatusView {
  const restricted = input.trusted ? undefined : 'Restricted Mode: bundled ESLint and embedded config';
  switch (input.connection) {
    case 'starting':
      return { text: 'Cancel Safe', detail: join('starting the server', restricted), severity: 'information', busy: true };
    case 'failed':
      return {
        text: '$(error) Cancel Safe',
        detail: join(`server failed: ${input.failure ?? 'unknown error'}`, 'see the output'),
        severity: 'error',
        busy: false,
      };
    case 'stopped':
      return { text: 'Cancel Safe', detail: 'server stopped; run "Cancel Safe: Restart server"', severity: 'warning', busy: false };
    case 'running':
      break;
  }
  const status = input.status;
  // Without a status notification (none yet for this document, or an older server) "running" is all we know.
  if (status === undefined) return { text: 'Cancel Safe', detail: join('running', restricted), severity: 'information', busy: false };
  if (status.state === 'disabled') {
    return { text: 'Cancel Safe', detail: 'disabled by the cancelSafe.enable setting', severity: 'information', busy: false };
  }
  const engine = status.eslint ? `ESLint ${status.eslint.version} (${status.eslint.source})` : undefined;
  const config = describeConfig(status.config);
  const lint = status.lastLint
    ? `last lint ${formatTime(new Date(status.lastLint.at))} in ${Math.round(status.lastLint.durationMs)} ms, ${plural(status.lastLint.problems, 'problem')}`
    : undefined;
  const restarts = status.workerRestarts > 0 ? `lint worker restarted ${plural(status.workerRestarts, 'time')}` : undefined;
  if (status.state === 'error') {
    return {
      text: '$(error) Cancel Safe',
      detail: join(status.error ?? 'the last lint failed', engine, config, restricted),
      severity: 'error',
      busy: false,
    };
  }
  if (status.state === 'starting') {
    return { text: 'Cancel Safe', detail: join('loading ESLint', engine, config, restricted), severity: 'information', busy: true };
  }
  return {
    text: restarts ? '$(warning) Cancel Safe' : 'Cancel Safe',
    detail: join(engine ?? 'running', config, lint, restarts, restricted),
    severity: restarts ? 'warning' : 'information',
    busy: false,
  };
}

function describeConfig(config: StatusParams['config']): string | undefined {
  if (config === undefined) return undefined;
  switch (config.kind) {
    case 'embedded':
      return 'embedded recommended config';
    case 'workspace':
      return config.file ? basename(config.file) : 'workspace config';
    case 'ignored':
      return `file ignored by ${config.file ? basename(config.file) : 'the workspace config'}`;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join(' · ');
}

function basename(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/**
 * Decides whether a crashed server is restarted: at most `limit` crashes within `windowMs`
 * (vscode-languageclient's default is 4 in 3 minutes, but it then shows a modal-ish popup; this
 * lets the status item say it instead).
 */
export class CrashBudget {
  readonly #crashes: number[] = [];

  constructor(
    readonly limit = 4,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now` and returns true when the server should be restarted. */
  crash(now: number = Date.now()): boolean {
    this.#crashes.push(now);
    while (this.#crashes.length > 0 && now - this.#crashes[0]! > this.windowMs) this.#crashes.shift();
    return this.#crashes.length <= this.limit;
  }

  /** How many crashes lie in the current window. */
  get count(): number {
    return this.#crashes.length;
  }
}
