import * as path from 'node:path';
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
