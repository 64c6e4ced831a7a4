/**
 * Turns what VS Code's settings hold under `cancelSafe.*` into the {@link CancelSafeSettings} the
 * server expects. VS Code does not enforce the schema of package.json on settings.json, so a
 * hand-written `"cancelSafe.run": "always"` reaches the extension as is: every value is checked
 * here, an invalid one falls back to its default and is reported (once per distinct problem) in
 * the output channel. Pure logic, no `vscode` import, so it is unit-tested under mocha.
 */
import { DEFAULT_SETTINGS, SETTINGS_SECTION, type CancelSafeSettings, type RuleSeverity, type RunMode } from '../../server/src/shared/protocol';

/** The part of `vscode.WorkspaceConfiguration` this module reads (it satisfies this interface). */
export interface ConfigurationReader {
  get(key: string): unknown;
}

/** Normalized settings and the problems found on the way, as sentences for the output channel. */
export interface SettingsResult {
  settings: CancelSafeSettings;
  problems: string[];
}

const RUN_MODES: readonly RunMode[] = ['onType', 'onSave'];
const SEVERITIES: readonly RuleSeverity[] = ['off', 'warn', 'error'];
const TRACE_LEVELS: readonly CancelSafeSettings['trace']['server'][] = ['off', 'messages', 'verbose'];
/** ESLint also accepts numeric severities in configs; users copy them into settings. */
const NUMERIC_SEVERITIES: Record<number, RuleSeverity> = { 0: 'off', 1: 'warn', 2: 'error' };
const PREFIX = 'cancel-safe/';

/**
 * Reads and validates every `cancelSafe.*` setting.
 * @param config the configuration of section `cancelSafe` (`vscode.workspace.getConfiguration('cancelSafe', uri)`).
 * @returns complete settings (defaults where a value is missing or invalid) and one sentence per invalid value.
 */
export function readSettings(config: ConfigurationReader): SettingsResult {
  const problems: string[] = [];
  const invalid = (key: string, value: unknown, expected: string, fallback: unknown): void => {
    problems.push(
      `Setting \`${SETTINGS_SECTION}.${key}\` must be ${expected}, got ${describe(value)}; using ${JSON.stringify(fallback)} until it is fixed in settings.json.`,
    );
  };

  const pick = <T>(key: string, fallback: T, check: (value: unknown) => value is T, expected: string): T => {
    const value = config.get(key);
    if (value === undefined || value === null) return fallback;
    if (check(value)) return value;
    invalid(key, value, expected, fallback);
    return fallback;
  };

  const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
  const oneOf =
    <T extends string>(values: readonly T[]) =>
    (value: unknown): value is T =>
      typeof value === 'string' && (values as readonly string[]).includes(value);
  const quoted = (values: readonly string[]): string => values.map((value) => `"${value}"`).join(' or ');

  return {
    settings: {
      enable: pick('enable', DEFAULT_SETTINGS.enable, isBoolean, 'true or false'),
      run: pick('run', DEFAULT_SETTINGS.run, oneOf(RUN_MODES), quoted(RUN_MODES)),
      rules: readRules(config.get('rules'), problems),
      typeAware: pick('typeAware', DEFAULT_SETTINGS.typeAware, isBoolean, 'true or false'),
      raceHelpers: readRaceHelpers(config.get('raceHelpers'), problems),
      runtimeModule: pick(
        'runtimeModule',
        DEFAULT_SETTINGS.runtimeModule,
        (value): value is string => typeof value === 'string' && value.trim() !== '',
        'a module specifier such as "cancel-safe"',
      ),
      trace: { server: pick('trace.server', DEFAULT_SETTINGS.trace.server, oneOf(TRACE_LEVELS), quoted(TRACE_LEVELS)) },
      workspaceDiagnostics: pick('workspaceDiagnostics', DEFAULT_SETTINGS.workspaceDiagnostics ?? false, isBoolean, 'true or false'),
    },
    problems,
  };
}

/**
 * `cancelSafe.rules`: keeps valid entries, drops invalid ones. Accepts the `cancel-safe/` prefix
 * and ESLint's numeric severities because both are what users paste from their eslint config.
 */
function readRules(value: unknown, problems: string[]): Record<string, RuleSeverity> {
  const rules: Record<string, RuleSeverity> = {};
  if (value === undefined || value === null) return rules;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(
      `Setting \`${SETTINGS_SECTION}.rules\` must be an object such as { "no-leaky-timeout": "warn" }, got ${describe(value)}; ignoring it until it is fixed in settings.json.`,
    );
    return rules;
  }
  for (const [key, raw] of Object.entries(value)) {
    const id = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
    const severity = typeof raw === 'number' ? NUMERIC_SEVERITIES[raw] : (SEVERITIES as readonly unknown[]).includes(raw) ? (raw as RuleSeverity) : undefined;
    if (id === '' || severity === undefined) {
      problems.push(
        `Setting \`${SETTINGS_SECTION}.rules\` has ${JSON.stringify(key)}: ${describe(raw)}; a rule id maps to "off", "warn" or "error". Ignoring this entry until it is fixed in settings.json.`,
      );
      continue;
    }
    rules[id] = severity;
  }
  return rules;
}

/** `cancelSafe.raceHelpers`: an array of non-empty identifiers, deduplicated, order kept. */
function readRaceHelpers(value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return [...DEFAULT_SETTINGS.raceHelpers];
  if (!Array.isArray(value)) {
    problems.push(
      `Setting \`${SETTINGS_SECTION}.raceHelpers\` must be an array of function names such as ["raceWithTimeout"], got ${describe(value)}; ignoring it until it is fixed in settings.json.`,
    );
    return [...DEFAULT_SETTINGS.raceHelpers];
  }
  const helpers: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') {
      problems.push(`Setting \`${SETTINGS_SECTION}.raceHelpers\` contains ${describe(item)}, which is not a function name; ignoring that entry.`);
      continue;
    }
    if (!helpers.includes(item.trim())) helpers.push(item.trim());
  }
  return helpers;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array (${JSON.stringify(value)})`;
  if (typeof value === 'object' && value !== null) return `an object (${JSON.stringify(value)})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Remembers which problems were already reported, so a settings.json mistake is logged once and
 * not on every `workspace/configuration` request (the server asks per document).
 */
export class ProblemLog {
  readonly #seen = new Set<string>();

  /** Returns the problems not reported before and marks them reported. */
  fresh(problems: readonly string[]): string[] {
    const fresh = problems.filter((problem) => !this.#seen.has(problem));
    for (const problem of fresh) this.#seen.add(problem);
    return fresh;
  }

  /** Forget everything: called when the settings change, so a problem that comes back is reported again. */
  clear(): void {
    this.#seen.clear();
  }
}
