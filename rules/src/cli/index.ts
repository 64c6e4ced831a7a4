/** The CLI's building blocks, shared with the language server so both lint the same way. */
export { createZeroConfig, DEFAULT_IGNORES, LINTED_FILES } from './zero-config';
export { createEslintOptions, defaultCacheLocation, type CliPlugin, type LintSettings, type RuleSetting } from './eslint-options';
export { formatGithub, formatSarif, formatStylish, type RulesMeta } from './format';
export { collectStats, formatStats, type RunStats } from './stats';
export { findConfigFile, main, parseCliArguments, UsageError, type CliOptions } from './main';
