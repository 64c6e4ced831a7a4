/**
 * What the VS Code client and the language server agree on: the `cancelSafe.*` settings and the
 * names of custom notifications and commands. Both sides import this module (the client through its
 * esbuild bundle), so a renamed setting cannot drift between them.
 */

/** `run`: lint as you type (debounced) or only when a document is saved. */
export type RunMode = 'onType' | 'onSave';

/** Severity override for one rule in `cancelSafe.rules` (`{ "no-leaky-timeout": "warn" }`). */
export type RuleSeverity = 'off' | 'warn' | 'error';

/** The settings under the `cancelSafe` section, as the server reads them per document. */
export interface CancelSafeSettings {
  enable: boolean;
  run: RunMode;
  /** Severity overrides keyed by rule id without the `cancel-safe/` prefix. */
  rules: Record<string, RuleSeverity>;
  /** Lint with type information (typescript-eslint project service, workspace tsconfig). */
  typeAware: boolean;
  /** `settings['cancel-safe'].raceHelpers` for the embedded config. */
  raceHelpers: string[];
  /** `settings['cancel-safe'].runtimeModule` for the embedded config. */
  runtimeModule: string;
  trace: { server: 'off' | 'messages' | 'verbose' };
}

export const DEFAULT_SETTINGS: CancelSafeSettings = {
  enable: true,
  run: 'onType',
  rules: {},
  typeAware: false,
  raceHelpers: [],
  runtimeModule: 'cancel-safe',
  trace: { server: 'off' },
};

/** The configuration section the server requests with `workspace/configuration`. */
export const SETTINGS_SECTION = 'cancelSafe';
