import type { ESLint } from 'eslint';
import { PROGRESS_RULE_ID } from './progress';

/** Per-rule lint time summed over every file and fix pass of a run. */
export interface RunStats {
  files: number;
  parseMs: number;
  fixMs: number;
  totalMs: number;
  rules: { ruleId: string; ms: number }[];
}

/**
 * Sums ESLint's `stats: true` timings (`result.stats.times.passes[]`, one pass per fix round).
 * Times are CPU time inside each rule's listeners as ESLint measures them, so with
 * `--concurrency` they add up the work of every thread, not the wall time.
 */
export function collectStats(results: readonly ESLint.LintResult[]): RunStats {
  const rules = new Map<string, number>();
  let parseMs = 0;
  let fixMs = 0;
  let totalMs = 0;
  let files = 0;
  for (const result of results) {
    const passes = result.stats?.times.passes;
    if (!passes) continue;
    files++;
    for (const pass of passes) {
      parseMs += pass.parse?.total ?? 0;
      fixMs += pass.fix.total;
      totalMs += pass.total;
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
        if (ruleId === PROGRESS_RULE_ID) continue;
        rules.set(ruleId, (rules.get(ruleId) ?? 0) + time.total);
      }
    }
  }
  return {
    files,
    parseMs,
    fixMs,
    totalMs,
    rules: [...rules].map(([ruleId, ms]) => ({ ruleId, ms })).sort((a, b) => b.ms - a.ms),
  };
}

/** The `--stats` table: one row per rule, slowest first, with its share of the whole lint time. */
export function formatStats(stats: RunStats): string {
  const rows: [string, string, string][] = [['Rule', 'Time (ms)', 'Share']];
  const share = (ms: number) => (stats.totalMs > 0 ? `${((ms / stats.totalMs) * 100).toFixed(1)}%` : '-');
  for (const { ruleId, ms } of stats.rules) rows.push([ruleId, ms.toFixed(1), share(ms)]);
  rows.push(['(parsing)', stats.parseMs.toFixed(1), share(stats.parseMs)]);
  if (stats.fixMs > 0) rows.push(['(fixing)', stats.fixMs.toFixed(1), share(stats.fixMs)]);
  rows.push(['total', stats.totalMs.toFixed(1), share(stats.totalMs)]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: [string, string, string]) =>
    `${row[0].padEnd(widths[0]!)}  ${row[1].padStart(widths[1]!)}  ${row[2].padStart(widths[2]!)}`;
  return [`Lint time over ${stats.files} files (ESLint stats):`, line(rows[0]!), ...rows.slice(1).map(line), ''].join('\n');
}
