import * as path from 'node:path';
import * as url from 'node:url';
import type { ESLint } from 'eslint';

interface Colors {
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain: Colors = { red: (t) => t, yellow: (t) => t, dim: (t) => t, bold: (t) => t };
const ansi: Colors = {
  red: (t) => `\u001B[31m${t}\u001B[39m`,
  yellow: (t) => `\u001B[33m${t}\u001B[39m`,
  dim: (t) => `\u001B[2m${t}\u001B[22m`,
  bold: (t) => `\u001B[1m${t}\u001B[22m`,
};

/**
 * Human output: one line per problem as `file:line:col  severity  message  rule-id` (terminals and
 * editors make `file:line:col` clickable), a summary, and the docs link of every rule that fired.
 */
export function formatStylish(
  results: readonly ESLint.LintResult[],
  rulesMeta: Record<string, { docs?: { url?: string } } | undefined>,
  options: { cwd: string; color: boolean },
): string {
  const c = options.color ? ansi : plain;
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let fixable = 0;
  const firedRules = new Set<string>();
  for (const result of results) {
    const file = path.relative(options.cwd, result.filePath) || result.filePath;
    for (const message of result.messages) {
      const isError = message.severity === 2;
      if (isError) errors++;
      else warnings++;
      if (message.fix) fixable++;
      if (message.ruleId) firedRules.add(message.ruleId);
      const location = `${file}:${message.line ?? 0}:${message.column ?? 0}`;
      const severity = isError ? c.red('error') : c.yellow('warning');
      const rule = message.ruleId ? c.dim(message.ruleId) : c.dim(message.fatal ? 'parse error' : '');
      lines.push(`${location}  ${severity}  ${message.message}  ${rule}`);
    }
  }
  const total = errors + warnings;
  if (total === 0) return '';
  lines.push('');
  const summary = `${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  lines.push(c.bold(errors > 0 ? c.red(`✖ ${summary}`) : c.yellow(`⚠ ${summary}`)));
  if (fixable > 0) lines.push(`  ${fixable} of them can be fixed with the \`--fix\` option.`);
  const docs = [...firedRules]
    .sort()
    .map((id) => [id, rulesMeta[id]?.docs?.url] as const)
    .filter(([, url]) => url);
  if (docs.length > 0) {
    lines.push('', 'Why and how to fix:');
    for (const [id, url] of docs) lines.push(`  ${id}  ${c.dim(url!)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Rule metadata as `ESLint#getRulesMetaForResults` returns it (the fields the formatters read). */
export type RulesMeta = Record<
  string,
  { type?: string; docs?: { url?: string; description?: string; recommended?: unknown; requiresTypeChecking?: boolean } } | undefined
>;

/**
 * GitHub Actions workflow commands, one per problem:
 * `::error file=src/a.ts,line=3,col=7,endLine=3,endColumn=20,title=cancel-safe/no-leaky-timeout::message`.
 * The runner turns them into annotations on the pull request's diff. Property values and the
 * message are escaped as the runner's toolkit does (`%`, CR, LF, and in properties `:` and `,`),
 * so a message with a newline or a path with a comma does not cut the command short.
 */
export function formatGithub(results: readonly ESLint.LintResult[], rulesMeta: RulesMeta, options: { cwd: string }): string {
  const lines: string[] = [];
  for (const result of results) {
    const file = toPosix(path.relative(options.cwd, result.filePath) || result.filePath);
    for (const message of result.messages) {
      const command = message.severity === 2 ? 'error' : 'warning';
      const properties: [string, string | number | undefined][] = [
        ['file', file],
        ['line', message.line || 1],
        ['col', message.column || 1],
        ['endLine', message.endLine],
        ['endColumn', message.endColumn],
        ['title', message.ruleId ?? (message.fatal ? 'Parse error' : 'ESLint')],
      ];
      const docs = message.ruleId ? rulesMeta[message.ruleId]?.docs?.url : undefined;
      const text = docs ? `${message.message} (${docs})` : message.message;
      const props = properties
        .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
        .join(',');
      lines.push(`::${command} ${props}::${escapeData(text)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/** The subset of SARIF 2.1.0 cancel-safe writes; see https://docs.oasis-open.org/sarif/sarif/v2.1.0/. */
interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: { text: string };
  helpUri?: string;
  help?: { text: string; markdown?: string };
  defaultConfiguration?: { level: 'error' | 'warning' | 'note' };
  properties?: { tags?: string[]; precision?: string; problem?: { severity: string } };
}

/**
 * A SARIF 2.1.0 log (one run) that GitHub code scanning accepts: file locations relative to the
 * `%SRCROOT%` base (the checkout), each rule that fired with its description and documentation
 * link (`helpUri`, shown as "Learn more" on the alert), and parse errors as tool notifications so
 * they fail the run visibly instead of turning into alerts.
 */
export function formatSarif(
  results: readonly ESLint.LintResult[],
  rulesMeta: RulesMeta,
  options: { cwd: string; toolName: string; toolVersion: string; informationUri: string },
): string {
  const ruleIndex = new Map<string, number>();
  const rules: SarifReportingDescriptor[] = [];
  const sarifResults: unknown[] = [];
  const notifications: unknown[] = [];
  const artifactIndex = new Map<string, number>();
  const artifacts: { location: { uri: string; uriBaseId: string } }[] = [];

  for (const result of results) {
    if (result.messages.length === 0) continue;
    const uri = encodeURI(toPosix(path.relative(options.cwd, result.filePath)));
    if (!artifactIndex.has(uri)) {
      artifactIndex.set(uri, artifacts.length);
      artifacts.push({ location: { uri, uriBaseId: '%SRCROOT%' } });
    }
    for (const message of result.messages) {
      const level = message.severity === 2 ? 'error' : 'warning';
      const region: Record<string, number> = { startLine: Math.max(message.line || 1, 1), startColumn: Math.max(message.column || 1, 1) };
      if (message.endLine) region.endLine = message.endLine;
      if (message.endColumn) region.endColumn = message.endColumn;
      const location = {
        physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%', index: artifactIndex.get(uri)! }, region },
      };
      if (!message.ruleId) {
        notifications.push({ level, message: { text: message.message }, locations: [location], descriptor: { id: 'parse-error' } });
        continue;
      }
      if (!ruleIndex.has(message.ruleId)) {
        ruleIndex.set(message.ruleId, rules.length);
        rules.push(describeRule(message.ruleId, rulesMeta[message.ruleId]));
      }
      sarifResults.push({
        ruleId: message.ruleId,
        ruleIndex: ruleIndex.get(message.ruleId)!,
        level,
        message: { text: message.message },
        locations: [location],
      });
    }
  }

  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: options.toolName,
        semanticVersion: options.toolVersion,
        version: options.toolVersion,
        informationUri: options.informationUri,
        rules,
      },
    },
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToDirectoryUri(options.cwd) } },
    artifacts,
    results: sarifResults,
    columnKind: 'utf16CodeUnits',
  };
  if (notifications.length > 0) {
    run.invocations = [{ executionSuccessful: false, toolExecutionNotifications: notifications }];
  }
  return `${JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] }, null, 2)}\n`;
}

function describeRule(id: string, meta: RulesMeta[string]): SarifReportingDescriptor {
  const descriptor: SarifReportingDescriptor = { id, name: id.replace(/^.*\//, '') };
  const docs = meta?.docs;
  if (docs?.description) descriptor.shortDescription = { text: docs.description.endsWith('.') ? docs.description : `${docs.description}.` };
  if (docs?.url) {
    descriptor.helpUri = docs.url;
    descriptor.help = { text: `See ${docs.url}`, markdown: `[${id}](${docs.url})` };
  }
  const tags = id.startsWith('cancel-safe/') ? ['cancellation-safety'] : [];
  if (meta?.type) tags.push(meta.type);
  if (docs?.requiresTypeChecking) tags.push('requires-type-checking');
  descriptor.properties = { tags, precision: 'high', problem: { severity: meta?.type === 'problem' ? 'error' : 'warning' } };
  if (docs?.recommended === 'error' || docs?.recommended === 'warn') {
    descriptor.defaultConfiguration = { level: docs.recommended === 'error' ? 'error' : 'warning' };
  }
  return descriptor;
}

function pathToDirectoryUri(directory: string): string {
  const href = url.pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}
