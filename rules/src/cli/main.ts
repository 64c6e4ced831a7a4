import * as fs from 'node:fs';
import * as path from 'node:path';
import * as url from 'node:url';
import { parseArgs } from 'node:util';
import type { ESLint as ESLintType, Linter } from 'eslint';
import { createEslintOptions, type CliPlugin, type LintSettings, type RuleSetting } from './eslint-options';
import { formatGithub, formatSarif, formatStylish, type RulesMeta } from './format';
import { countLintedFiles, PROGRESS_CHANNEL, ProgressLine } from './progress';
import { collectStats, formatStats } from './stats';
import { docsUrl } from '../util/create-rule';

const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: cancel-safe [options] [paths|globs...]

Lints JavaScript and TypeScript for cancellation-safety hazards (default path: .). With no
eslint.config.* in the project it uses the cancel-safe recommended rules, the TypeScript parser
and ignores node_modules, dist, build, coverage, .git and minified bundles; with an eslint.config.*
it uses that config, exactly as \`npx eslint\` would.

Options:
  -f, --format <name>       stylish (default), json, sarif (GitHub code scanning) or github
                            (workflow annotations on the pull request)
  -o, --output-file <path>  write the report to a file instead of stdout
      --fix                 apply the rules' autofixes to the files
      --fix-dry-run         compute the fixes without writing them (json shows the output)
      --max-warnings <n>    let up to n warnings pass (by default any warning exits 1)
      --quiet               report and run errors only
      --rule <id=severity>  set a cancel-safe rule to off, warn or error (repeatable), e.g.
                            --rule no-leaky-timeout=warn or --rule 'no-leaky-timeout=["error",{}]'
      --type-aware          give rules type information from the project's tsconfig.json
                            (typescript-eslint projectService); slower, more precise
      --concurrency <n>     lint in n worker threads, "auto" (half the cores) or "off" (default)
      --cache               only re-lint changed files (cache in node_modules/.cache/cancel-safe)
      --cache-location <p>  where the cache file lives
      --stats               print each rule's lint time after the report (on stderr)
      --no-config-lookup    ignore eslint.config.* and use the cancel-safe recommended config
  -h, --help                show this help
  -v, --version             print the version

Exit codes: 0 no problems, 1 problems found (warnings beyond --max-warnings count), 2 usage or
configuration error (the message says what to change).
Docs: https://github.com/cancel-safe/cancel-safe#the-cli
`;

/** A mistake in how the CLI was called or configured: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The parsed command line. */
export interface CliOptions {
  patterns: string[];
  format: Format;
  outputFile: string | undefined;
  configLookup: boolean;
  maxWarnings: number | undefined;
  quiet: boolean;
  fix: boolean;
  fixDryRun: boolean;
  rules: Record<string, RuleSetting>;
  typeAware: boolean;
  concurrency: number | 'auto' | 'off';
  cache: boolean;
  cacheLocation: string | undefined;
  stats: boolean;
}

/**
 * Parses `argv` (without node and the script) into {@link CliOptions}, `'help'` or `'version'`.
 * @throws {UsageError} for an unknown option or a bad value, with what to pass instead.
 */
export function parseCliArguments(argv: readonly string[], plugin: CliPlugin): CliOptions | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'output-file': { type: 'string', short: 'o' },
        'config-lookup': { type: 'boolean' },
        'no-config-lookup': { type: 'boolean' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean' },
        fix: { type: 'boolean' },
        'fix-dry-run': { type: 'boolean' },
        rule: { type: 'string', multiple: true },
        'type-aware': { type: 'boolean' },
        concurrency: { type: 'string' },
        cache: { type: 'boolean' },
        'cache-location': { type: 'string' },
        stats: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun \`cancel-safe --help\` for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const format = values.format ?? 'stylish';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown --format "${format}": use one of ${FORMATS.join(', ')}.`);
  }
  if (values.fix && values['fix-dry-run']) {
    throw new UsageError('--fix and --fix-dry-run exclude each other: --fix writes the files, --fix-dry-run only reports the fixed output. Pass one.');
  }
  if (values['cache-location'] !== undefined && !values.cache) {
    throw new UsageError('--cache-location has no effect without --cache: add --cache.');
  }
  return {
    patterns: positionals.length > 0 ? positionals : ['.'],
    format: format as Format,
    outputFile: values['output-file'],
    configLookup: !values['no-config-lookup'],
    maxWarnings: parseMaxWarnings(values['max-warnings']),
    quiet: values.quiet ?? false,
    fix: values.fix ?? false,
    fixDryRun: values['fix-dry-run'] ?? false,
    rules: parseRuleOptions(values.rule ?? [], plugin),
    typeAware: values['type-aware'] ?? false,
    concurrency: parseConcurrency(values.concurrency),
    cache: values.cache ?? false,
    cacheLocation: values['cache-location'],
    stats: values.stats ?? false,
  };
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(count)) {
    throw new UsageError(`--max-warnings expects a whole number >= 0, got "${value}".`);
  }
  return count;
}

function parseConcurrency(value: string | undefined): number | 'auto' | 'off' {
  if (value === undefined || value === 'off') return 'off';
  if (value === 'auto') return 'auto';
  const threads = Number(value);
  if (!/^\d+$/.test(value) || threads < 1) {
    throw new UsageError(`--concurrency expects "auto", "off" or a number of threads >= 1, got "${value}".`);
  }
  // One thread is ESLint's own single-threaded mode; asking for it should not start a worker.
  return threads === 1 ? 'off' : threads;
}

const SEVERITIES = new Set(['off', 'warn', 'error', '0', '1', '2']);

/** `--rule id=severity` (id with or without the `cancel-safe/` prefix) into a rules record. */
function parseRuleOptions(values: readonly string[], plugin: CliPlugin): Record<string, RuleSetting> {
  const rules: Record<string, RuleSetting> = {};
  const known = Object.keys(plugin.rules).sort();
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0) {
      throw new UsageError(`--rule expects id=severity (for example --rule no-leaky-timeout=warn), got "${value}".`);
    }
    const id = value.slice(0, equals).trim().replace(/^cancel-safe\//, '');
    const setting = value.slice(equals + 1).trim();
    if (!Object.hasOwn(plugin.rules, id)) {
      throw new UsageError(
        `--rule names an unknown rule "${value.slice(0, equals)}". --rule configures cancel-safe rules only (set other rules in your eslint.config.*). The rules are:\n  ${known.join('\n  ')}`,
      );
    }
    rules[`cancel-safe/${id}`] = parseRuleSetting(setting, value);
  }
  return rules;
}

function parseRuleSetting(setting: string, whole: string): RuleSetting {
  if (SEVERITIES.has(setting)) return (/^\d$/.test(setting) ? Number(setting) : setting) as Linter.RuleSeverity;
  if (setting.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(setting);
    } catch (error) {
      throw new UsageError(`--rule "${whole}": the options are not valid JSON (${(error as Error).message}).`);
    }
    if (Array.isArray(parsed) && parsed.length > 0 && SEVERITIES.has(String(parsed[0]))) return parsed as RuleSetting;
  }
  throw new UsageError(`--rule "${whole}": the severity must be off, warn or error (or a JSON array such as ["error", {...}]).`);
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

/** Runs the CLI and resolves to its exit code; never calls `process.exit` (output must flush). */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  try {
    const plugin = require('../index') as CliPlugin;
    const options = parseCliArguments(argv, plugin);
    if (options === 'help') {
      io.stdout.write(HELP);
      return 0;
    }
    if (options === 'version') {
      io.stdout.write(`${readPackage().version}\n`);
      return 0;
    }
    return await lint(options, plugin, io);
  } catch (error) {
    return reportError(error, io.stderr);
  }
}

async function lint(options: CliOptions, plugin: CliPlugin, io: Io): Promise<number> {
  const { ESLint } = loadEslint();
  const configFile = options.configLookup ? findConfigFile(io.cwd) : undefined;
  if (options.typeAware) checkTypeAwarePrerequisites(io.cwd);
  const stderr = io.stderr as NodeJS.WriteStream;
  const settings: LintSettings = {
    cwd: path.resolve(io.cwd),
    configFile,
    fix: options.fix || options.fixDryRun,
    quiet: options.quiet,
    cache: options.cache,
    cacheLocation: options.cacheLocation === undefined ? undefined : path.resolve(io.cwd, options.cacheLocation),
    concurrency: options.concurrency,
    stats: options.stats,
    typeAware: options.typeAware,
    rules: options.rules,
    // Always on so the cache key does not change between a terminal and CI; drawn only on a TTY.
    progressChannel: PROGRESS_CHANNEL,
  };

  let eslint: ESLintType;
  try {
    eslint = await createEslint(ESLint, settings, plugin);
  } catch (error) {
    throw explainLintError(error, configFile, Object.keys(options.rules).length > 0);
  }
  const progress = stderr.isTTY === true ? new ProgressLine(PROGRESS_CHANNEL, stderr) : undefined;
  let results: ESLintType.LintResult[];
  try {
    if (progress) {
      void countLintedFiles(eslint, options.patterns, settings.cwd).then(
        (total) => (progress.total = total),
        () => undefined,
      );
    }
    results = await eslint.lintFiles(options.patterns);
  } catch (error) {
    throw explainLintError(error, configFile, Object.keys(options.rules).length > 0);
  } finally {
    progress?.stop();
  }
  // ESLint lints nothing outside its working directory and reports that as a mere warning, which
  // would make `cancel-safe ../other` look like a clean run.
  const outside = results.filter((result) => result.messages.some((message) => !message.ruleId && /outside of base path/.test(message.message)));
  if (outside.length > 0) {
    throw new UsageError(
      `${outside.map((result) => path.relative(io.cwd, result.filePath)).join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside ${settings.cwd}, so ESLint would skip ${outside.length === 1 ? 'it' : 'them'}.\nRun cancel-safe from a directory that contains every path you lint.`,
    );
  }
  if (options.fix) await ESLint.outputFixes(results);
  // Stats are read before --quiet drops results: a file without errors still took time.
  const stats = options.stats ? collectStats(results) : undefined;
  if (options.quiet) results = ESLint.getErrorResults(results);

  const rulesMeta = eslint.getRulesMetaForResults(results) as RulesMeta;
  const output = format(options.format, results, rulesMeta, settings.cwd, options.outputFile === undefined && isColorTerminal(io.stdout));
  if (options.outputFile === undefined) {
    io.stdout.write(output);
  } else {
    const target = path.resolve(io.cwd, options.outputFile);
    try {
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.writeFile(target, output);
    } catch (error) {
      throw new UsageError(`Could not write the report to ${target}: ${(error as Error).message}. Pick a writable --output-file path.`);
    }
  }
  if (stats) io.stderr.write(formatStats(stats));

  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  // Any problem fails the run (a cancel-safe warning is still a hazard); --max-warnings N lets up to
  // N warnings through, and --quiet has already dropped them.
  if (errors > 0) return 1;
  if (options.maxWarnings === undefined) return warnings > 0 ? 1 : 0;
  if (warnings > options.maxWarnings) {
    io.stderr.write(`cancel-safe: ${warnings} warnings exceed --max-warnings ${options.maxWarnings}; fix them or raise the limit.\n`);
    return 1;
  }
  return 0;
}

/**
 * Single-threaded, the options are built here. With `--concurrency`, ESLint must rebuild them in
 * each worker thread, where plugin and parser objects cannot be sent, so it loads them from the
 * options module whose URL carries the settings (ESLint >= 9.34 has `fromOptionsModule`).
 */
async function createEslint(ESLint: typeof ESLintType, settings: LintSettings, plugin: CliPlugin): Promise<ESLintType> {
  if (settings.concurrency === 'off') return new ESLint(createEslintOptions(settings, plugin));
  const fromOptionsModule = (ESLint as { fromOptionsModule?: (url: URL) => Promise<ESLintType> }).fromOptionsModule;
  if (typeof fromOptionsModule !== 'function') {
    throw new UsageError(
      `--concurrency needs ESLint 9.34 or later (multithreaded linting); this project has ESLint ${ESLint.version}. Upgrade eslint, or drop --concurrency.`,
    );
  }
  const moduleUrl = url.pathToFileURL(path.join(__dirname, 'eslint-options-module.mjs'));
  moduleUrl.searchParams.set('settings', JSON.stringify(settings));
  return fromOptionsModule.call(ESLint, moduleUrl);
}

function format(name: Format, results: ESLintType.LintResult[], rulesMeta: RulesMeta, cwd: string, color: boolean): string {
  switch (name) {
    case 'json':
      return `${JSON.stringify(results)}\n`;
    case 'github':
      return formatGithub(results, rulesMeta, { cwd });
    case 'sarif': {
      const { name: toolName, version, homepage } = readPackage();
      return formatSarif(results, rulesMeta, { cwd, toolName, toolVersion: version, informationUri: homepage ?? 'https://github.com/cancel-safe/cancel-safe' });
    }
    case 'stylish':
      return formatStylish(results, rulesMeta, { cwd, color });
  }
}

function isColorTerminal(stream: NodeJS.WritableStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return (stream as NodeJS.WriteStream).isTTY === true;
}

function readPackage(): { name: string; version: string; homepage?: string } {
  return require('../../package.json') as { name: string; version: string; homepage?: string };
}

/** ESLint is a peer dependency; say how to install it instead of printing a resolution stack. */
function loadEslint(): typeof import('eslint') {
  try {
    return require('eslint') as typeof import('eslint');
  } catch {
    throw new UsageError('ESLint is not installed, and cancel-safe runs its rules through it. Run `npm install --save-dev eslint eslint-plugin-cancel-safe`.');
  }
}

/** `--type-aware` builds a TypeScript program from the project's tsconfig.json: both must exist. */
function checkTypeAwarePrerequisites(cwd: string): void {
  try {
    require.resolve('typescript', { paths: [cwd, __dirname] });
  } catch {
    throw new UsageError('--type-aware needs TypeScript to build the program that gives rules their types, and it is not installed. Run `npm install --save-dev typescript`, or drop --type-aware.');
  }
  if (!fs.existsSync(path.join(cwd, 'tsconfig.json'))) {
    throw new UsageError(
      `--type-aware reads the project's tsconfig.json, and ${cwd} has none. Run cancel-safe from the folder that has it, or drop --type-aware to lint without types.`,
    );
  }
}

const CONFIG_FILE_NAMES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];

/** The nearest `eslint.config.*` from `cwd` upwards, as ESLint itself looks it up. */
export function findConfigFile(cwd: string): string | undefined {
  for (let directory = path.resolve(cwd); ; directory = path.dirname(directory)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(directory, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (path.dirname(directory) === directory) return undefined;
  }
}

function explainLintError(error: unknown, configFile: string | undefined, usedRuleFlag: boolean): Error {
  if (error instanceof UsageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/No files matching|all of the files matching the glob pattern .* are ignored/i.test(message)) {
    return new UsageError(`${message.trim()}\nCheck the path, or lint the project root with \`cancel-safe .\`.`);
  }
  const invalidOptions = /Key "rules": Key "(cancel-safe\/[\w-]+)"/.exec(message);
  if (invalidOptions) {
    const where = usedRuleFlag ? 'the --rule option' : (configFile ?? 'the configuration');
    return new UsageError(
      `${where} gives ${invalidOptions[1]} options it does not accept:\n  ${indent(message)}\nSee the rule's options in ${docsUrl(invalidOptions[1]!.slice('cancel-safe/'.length))}.`,
    );
  }
  if (/Could not find plugin "cancel-safe"/.test(message) && configFile) {
    const cause = usedRuleFlag ? `--rule sets a cancel-safe rule, but ${configFile} does not load the plugin` : `${configFile} uses a cancel-safe rule but does not load the plugin`;
    return new UsageError(
      `${cause}:\n  ${indent(message)}\nAdd \`cancelSafe.configs.recommended\` to that config, or run with --no-config-lookup.`,
    );
  }
  if (configFile) {
    return new UsageError(`ESLint could not use ${configFile}:\n  ${indent(message)}\nFix the config, or run with --no-config-lookup to use the cancel-safe defaults.`);
  }
  return error instanceof Error ? error : new Error(message);
}

function indent(message: string): string {
  return message.trim().split('\n').join('\n  ');
}

function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof UsageError) {
    stderr.write(`cancel-safe: ${error.message}\n`);
    return 2;
  }
  stderr.write(
    `cancel-safe: internal error (this is a bug in cancel-safe or a rule; please report it with the trace below):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 2;
}
