import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ESLint as ESLintType, Linter } from 'eslint';
import { formatStylish } from './format';
import { createZeroConfig } from './zero-config';

const HELP = `Usage: cancel-safe [options] [paths|globs...]

Lints JavaScript and TypeScript for cancellation-safety hazards. With no ESLint config in the
project it uses the cancel-safe recommended rules and the TypeScript parser; with an
eslint.config.* it uses that config, exactly as \`npx eslint\` would.

Options:
  --format <name>       stylish (default) or json
  --no-config-lookup    ignore eslint.config.* and use the cancel-safe recommended config
  --max-warnings <n>    exit 1 when there are more than n warnings
  --quiet               report errors only
  -h, --help            show this help
  -v, --version         print the version

Exit codes: 0 no errors, 1 lint errors (or too many warnings), 2 usage or configuration error.
Docs: https://github.com/cancel-safe/cancel-safe#readme
`;

/** A mistake in how the CLI was called or configured: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface CliOptions {
  patterns: string[];
  format: 'stylish' | 'json';
  configLookup: boolean;
  maxWarnings: number | undefined;
  quiet: boolean;
}

export function parseCliArguments(argv: readonly string[]): CliOptions | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'config-lookup': { type: 'boolean' },
        'no-config-lookup': { type: 'boolean' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean' },
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
  if (format !== 'stylish' && format !== 'json') {
    throw new UsageError(`Unknown --format "${format}": use stylish or json.`);
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) {
      throw new UsageError(`--max-warnings expects a whole number >= 0, got "${values['max-warnings']}".`);
    }
  }
  return {
    patterns: positionals.length > 0 ? positionals : ['.'],
    format,
    configLookup: !values['no-config-lookup'],
    maxWarnings,
    quiet: values.quiet ?? false,
  };
}

/** Runs the CLI and resolves to its exit code; never calls `process.exit` (output must flush). */
export async function main(argv: readonly string[], io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  let options: ReturnType<typeof parseCliArguments>;
  try {
    options = parseCliArguments(argv);
  } catch (error) {
    return reportError(error, io.stderr);
  }
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (options === 'version') {
    const { version } = require('../../package.json') as { version: string };
    io.stdout.write(`${version}\n`);
    return 0;
  }
  try {
    return await lint(options, io);
  } catch (error) {
    return reportError(error, io.stderr);
  }
}

async function lint(options: CliOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string }): Promise<number> {
  const { ESLint } = loadEslint();
  const plugin = require('../index') as { configs: Record<string, Linter.Config> };
  const configFile = options.configLookup ? findConfigFile(io.cwd) : undefined;
  const eslint = configFile
    ? new ESLint({ cwd: io.cwd, errorOnUnmatchedPattern: true })
    : new ESLint({
        cwd: io.cwd,
        overrideConfigFile: true,
        overrideConfig: createZeroConfig(plugin),
        errorOnUnmatchedPattern: true,
      });
  let results: ESLintType.LintResult[];
  try {
    results = await eslint.lintFiles(options.patterns);
  } catch (error) {
    throw explainLintError(error, configFile);
  }
  if (options.quiet) results = ESLint.getErrorResults(results);

  const rulesMeta = eslint.getRulesMetaForResults(results) as Record<string, { docs?: { url?: string } }>;
  const output =
    options.format === 'json'
      ? `${JSON.stringify(results)}\n`
      : formatStylish(results, rulesMeta, { cwd: io.cwd, color: (io.stdout as NodeJS.WriteStream).isTTY === true });
  io.stdout.write(output);

  const errors = results.reduce((sum, result) => sum + result.errorCount + result.fatalErrorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  if (errors > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr.write(`cancel-safe: ${warnings} warnings exceed --max-warnings ${options.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

/** ESLint is a peer dependency; say how to install it instead of printing a resolution stack. */
function loadEslint(): typeof import('eslint') {
  try {
    return require('eslint') as typeof import('eslint');
  } catch {
    throw new UsageError('ESLint is not installed. Run `npm install --save-dev eslint eslint-plugin-cancel-safe`.');
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

function explainLintError(error: unknown, configFile: string | undefined): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/No files matching/.test(message)) return new UsageError(message);
  if (configFile) {
    return new UsageError(
      `ESLint could not use ${configFile}:\n  ${message.split('\n').join('\n  ')}\nFix the config, or run with --no-config-lookup to use the cancel-safe defaults.`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof UsageError) {
    stderr.write(`cancel-safe: ${error.message}\n`);
    return 2;
  }
  stderr.write(`cancel-safe: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 2;
}
