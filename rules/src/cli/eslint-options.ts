import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ESLint, Linter } from 'eslint';
import { createProgressPlugin, PROGRESS_RULE_ID } from './progress';
import { createZeroConfig, LINTED_FILES } from './zero-config';

/** A rule severity as the CLI accepts it in `--rule id=severity`. */
export type RuleSetting = Linter.RuleSeverity | [Linter.RuleSeverity, ...unknown[]];

/**
 * Everything the CLI decides about one lint run, as plain JSON: it travels to ESLint's worker
 * threads in the options-module URL (`--concurrency`), where plugins and parsers cannot be
 * cloned, and each worker rebuilds the same ESLint options from it with {@link createEslintOptions}.
 */
export interface LintSettings {
  /** Absolute directory the patterns and the config lookup are relative to. */
  cwd: string;
  /** The project's `eslint.config.*`, or undefined to lint with the embedded zero-config. */
  configFile: string | undefined;
  fix: boolean;
  /** Apply only errors' rules (`--quiet`): warnings' rules are not even run. */
  quiet: boolean;
  cache: boolean;
  cacheLocation: string | undefined;
  concurrency: number | 'auto' | 'off';
  stats: boolean;
  typeAware: boolean;
  /** `--rule` overrides, keyed by full rule id (`cancel-safe/<name>`). */
  rules: Record<string, RuleSetting>;
  /** BroadcastChannel name the progress rule ticks on, when the terminal shows progress. */
  progressChannel: string | undefined;
}

/** Plugin shape the CLI needs: its rules (for `--rule` and the zero-config) and its configs. */
export interface CliPlugin {
  rules: Record<string, unknown>;
  configs: Record<string, Linter.Config>;
}

/** Builds the ESLint constructor options for one run; the same in the main thread and in workers. */
export function createEslintOptions(settings: LintSettings, plugin: CliPlugin): ESLint.Options {
  const overrideConfig: Linter.Config[] = settings.configFile
    ? []
    : createZeroConfig(plugin, { typeAware: settings.typeAware, rootDir: settings.cwd });
  if (settings.configFile && settings.typeAware) {
    // Merged into the project's own parserOptions; a config that uses another parser ignores it.
    overrideConfig.push({
      name: 'cancel-safe/cli/type-aware',
      files: LINTED_FILES,
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: settings.cwd } },
    });
  }
  if (Object.keys(settings.rules).length > 0) {
    overrideConfig.push({ name: 'cancel-safe/cli/rule-overrides', rules: settings.rules as Linter.RulesRecord });
  }
  if (settings.progressChannel) {
    overrideConfig.push({
      name: 'cancel-safe/cli/progress',
      plugins: { 'cancel-safe-cli': createProgressPlugin(settings.progressChannel) },
      rules: { [PROGRESS_RULE_ID]: 'warn' },
    });
  }
  return {
    cwd: settings.cwd,
    overrideConfigFile: settings.configFile ?? true,
    overrideConfig,
    errorOnUnmatchedPattern: true,
    fix: settings.fix,
    // The progress rule is a warning that never reports; --quiet must not switch it off.
    ...(settings.quiet ? { ruleFilter: ({ ruleId, severity }) => severity === 2 || ruleId === PROGRESS_RULE_ID } : {}),
    cache: settings.cache,
    ...(settings.cache ? { cacheLocation: settings.cacheLocation ?? defaultCacheLocation(settings.cwd), cacheStrategy: 'content' as const } : {}),
    ...(settings.concurrency === 'off' ? {} : { concurrency: settings.concurrency }),
    stats: settings.stats,
  };
}

/**
 * `node_modules/.cache/cancel-safe/` when the project has a node_modules folder (the convention of
 * babel-loader and eslint-webpack-plugin), so the cache neither shows up in `git status` nor
 * fights with the project's own `eslint --cache` over `.eslintcache`.
 */
export function defaultCacheLocation(cwd: string): string {
  const nodeModules = path.join(cwd, 'node_modules');
  return fs.existsSync(nodeModules) ? path.join(nodeModules, '.cache', 'cancel-safe', '.eslintcache') : path.join(cwd, '.cancel-safe-cache');
}
