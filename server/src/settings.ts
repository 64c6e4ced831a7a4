/**
 * The server's reading of `cancelSafe` settings as any client sends them (VS Code validates little,
 * Neovim and Helix nothing): every value is checked, an invalid one falls back to its default, and
 * each problem is returned as a sentence for the log (the caller reports each once).
 */
import { DEFAULT_SETTINGS, SETTINGS_SECTION, type CancelSafeSettings, type RuleSeverity } from './shared/protocol';

const KNOWN = new Set(['enable', 'run', 'rules', 'typeAware', 'raceHelpers', 'runtimeModule', 'trace', 'workspaceDiagnostics']);
const SEVERITIES: Record<string, RuleSeverity> = { off: 'off', warn: 'warn', error: 'error', 0: 'off', 1: 'warn', 2: 'error' };
const PREFIX = 'cancel-safe/';

/**
 * Validates the raw value of the `cancelSafe` section.
 * @param raw what `workspace/configuration` (or `didChangeConfiguration`) returned; `null` and `undefined` mean defaults.
 * @returns complete settings and one sentence per ignored value.
 */
export function readSettings(raw: unknown): { settings: CancelSafeSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: CancelSafeSettings = { ...DEFAULT_SETTINGS, rules: {}, raceHelpers: [], trace: { ...DEFAULT_SETTINGS.trace } };
  if (raw === undefined || raw === null) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`The \`${SETTINGS_SECTION}\` settings must be an object, got ${describe(raw)}; using the defaults.`);
    return { settings, problems };
  }
  const record = raw as Record<string, unknown>;
  const invalid = (key: string, expected: string, fallback: unknown) =>
    problems.push(`Setting \`${SETTINGS_SECTION}.${key}\` must be ${expected}, got ${describe(record[key])}; using ${JSON.stringify(fallback)}.`);
  for (const key of Object.keys(record)) {
    // `trace.server` may arrive flattened ("trace.server": "off") from clients that do not nest.
    if (!KNOWN.has(key) && key !== 'trace.server') problems.push(`Unknown setting \`${SETTINGS_SECTION}.${key}\` is ignored; known settings: ${[...KNOWN].join(', ')}.`);
  }
  const boolean = (key: 'enable' | 'typeAware' | 'workspaceDiagnostics') => {
    const value = record[key];
    if (value === undefined || value === null) return;
    if (typeof value === 'boolean') settings[key] = value;
    else invalid(key, 'true or false', DEFAULT_SETTINGS[key]);
  };
  boolean('enable');
  boolean('typeAware');
  boolean('workspaceDiagnostics');
  if (record.run !== undefined && record.run !== null) {
    if (record.run === 'onType' || record.run === 'onSave') settings.run = record.run;
    else invalid('run', '"onType" or "onSave"', DEFAULT_SETTINGS.run);
  }
  if (record.runtimeModule !== undefined && record.runtimeModule !== null) {
    if (typeof record.runtimeModule === 'string' && record.runtimeModule.trim() !== '') settings.runtimeModule = record.runtimeModule.trim();
    else invalid('runtimeModule', 'a module specifier such as "cancel-safe"', DEFAULT_SETTINGS.runtimeModule);
  }
  if (record.raceHelpers !== undefined && record.raceHelpers !== null) {
    if (!Array.isArray(record.raceHelpers)) invalid('raceHelpers', 'an array of function names such as ["raceWithTimeout"]', []);
    else {
      for (const item of record.raceHelpers) {
        if (typeof item === 'string' && item.trim() !== '') {
          if (!settings.raceHelpers.includes(item.trim())) settings.raceHelpers.push(item.trim());
        } else problems.push(`Setting \`${SETTINGS_SECTION}.raceHelpers\` contains ${describe(item)}, which is not a function name; ignoring that entry.`);
      }
    }
  }
  if (record.rules !== undefined && record.rules !== null) {
    if (typeof record.rules !== 'object' || Array.isArray(record.rules)) invalid('rules', 'an object such as { "no-leaky-timeout": "warn" }', {});
    else {
      for (const [key, value] of Object.entries(record.rules)) {
        const id = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
        const severity = typeof value === 'string' || typeof value === 'number' ? SEVERITIES[value] : undefined;
        if (id === '' || !severity) {
          problems.push(`Setting \`${SETTINGS_SECTION}.rules\` has ${JSON.stringify(key)}: ${describe(value)}; a rule id maps to "off", "warn" or "error". Ignoring this entry.`);
        } else settings.rules[id] = severity;
      }
    }
  }
  const trace = record['trace.server'] ?? (typeof record.trace === 'object' && record.trace !== null ? (record.trace as Record<string, unknown>).server : record.trace);
  if (trace !== undefined && trace !== null) {
    if (trace === 'off' || trace === 'messages' || trace === 'verbose') settings.trace = { server: trace };
    else problems.push(`Setting \`${SETTINGS_SECTION}.trace.server\` must be "off", "messages" or "verbose", got ${describe(trace)}; using "off".`);
  }
  return { settings, problems };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array (${JSON.stringify(value)})`;
  if (typeof value === 'object' && value !== null) return `an object (${JSON.stringify(value)})`;
  return `${typeof value} ${String(value)}`;
}
