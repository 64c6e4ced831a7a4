import type { TSESLint } from '@typescript-eslint/utils';

/** The shared settings every rule reads from `settings['cancel-safe']`. */
export interface CancelSafeSettings {
  /** Module the quick fixes import the runtime from. */
  runtimeModule: string;
  /** Extra callees treated like `Promise.race` (matched against the callee's source text). */
  raceHelpers: readonly string[];
}

export const DEFAULT_SETTINGS: CancelSafeSettings = Object.freeze({
  runtimeModule: 'cancel-safe',
  raceHelpers: Object.freeze([]) as readonly string[],
});

const KNOWN_KEYS = new Set<string>(['runtimeModule', 'raceHelpers']);
const cache = new WeakMap<object, CancelSafeSettings>();

/**
 * Reads and validates `settings['cancel-safe']`. Bad settings throw with a message naming the key
 * and the expected shape: ESLint shows it as a configuration error instead of silently ignoring
 * a typo that would turn a rule off.
 */
export function getSettings(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): CancelSafeSettings {
  const raw = (context.settings as Record<string, unknown> | undefined)?.['cancel-safe'];
  if (raw === undefined) return DEFAULT_SETTINGS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TypeError(`cancel-safe: settings['cancel-safe'] must be an object, got ${JSON.stringify(raw)}.`);
  }
  const cached = cache.get(raw);
  if (cached) return cached;
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new TypeError(
        `cancel-safe: unknown setting settings['cancel-safe'].${key}; known settings are ${[...KNOWN_KEYS].join(', ')}.`,
      );
    }
  }
  const runtimeModule = record['runtimeModule'] ?? DEFAULT_SETTINGS.runtimeModule;
  if (typeof runtimeModule !== 'string' || runtimeModule.length === 0) {
    throw new TypeError(
      `cancel-safe: settings['cancel-safe'].runtimeModule must be a non-empty string, got ${JSON.stringify(runtimeModule)}.`,
    );
  }
  const raceHelpers = record['raceHelpers'] ?? DEFAULT_SETTINGS.raceHelpers;
  if (!Array.isArray(raceHelpers) || !raceHelpers.every((name) => typeof name === 'string' && name.length > 0)) {
    throw new TypeError(
      `cancel-safe: settings['cancel-safe'].raceHelpers must be an array of callee names such as ["raceWithTimeout", "utils.race"], got ${JSON.stringify(raceHelpers)}.`,
    );
  }
  const settings: CancelSafeSettings = Object.freeze({ runtimeModule, raceHelpers: Object.freeze([...raceHelpers]) });
  cache.set(raw, settings);
  return settings;
}
