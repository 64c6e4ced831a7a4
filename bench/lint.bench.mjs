// `npm run bench lint`: what cancel-safe's rules cost next to the linting people already run, on
// real repositories (bench/.repos/NAME, fetched code, gitignored), all ratios from one process:
//
//  1. Syntactic: ESLint with @eslint/js recommended alone vs the same plus cancel-safe recommended.
//     Target: our recommended set costs <= 25% of what @eslint/js recommended costs.
//  2. Per rule: each cancel-safe rule's time as a share of @eslint/js recommended's rule time
//     (ESLint `stats`), for the rule authors. Target: each rule < 5%.
//  3. Typed: typescript-eslint's no-floating-promises + no-misused-promises vs those two plus every
//     cancel-safe rule, with a TypeScript program over the repository's lib/.
//     Target: our rules add <= 50% of what those two cost.
//
// Costs are measured two ways: process CPU time of whole lintFiles() runs, minus a run with the
// same parser and no rules (so parsing, which every variant pays alike, drops out), and ESLint's
// own per-rule timers (`stats: true`) within one run. Variants are interleaved round by round so
// that the machine's drift (two cores shared with other work) hits each alike. CPU time, not wall
// time, because other processes on the machine stretch wall time without costing us CPU.
//
// Environment: BENCH_ROUNDS (default 3), BENCH_REPOS (comma list, default all present),
// BENCH_TYPED=0 skips part 3. Whole-process check of the same configs from outside, e.g. with hyperfine:
//   hyperfine "CANCEL_SAFE_BENCH_CONFIG=js npx eslint -c bench/lint-config.mjs bench/.repos/fastify" \
//     "CANCEL_SAFE_BENCH_CONFIG=js+recommended npx eslint -c bench/lint-config.mjs bench/.repos/fastify"
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { benchConfig, JS_RECOMMENDED, OUR_ALL, OUR_RECOMMENDED, TS_PROMISE_RULES } from './lint-config.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const reposDir = path.join(benchDir, '.repos');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TYPED = process.env.BENCH_TYPED !== '0';

/** Public repositories of 50k+ lines of async I/O code; any present under bench/.repos is used. */
const REPOS = [
  { name: 'undici', github: 'nodejs/undici' },
  { name: 'fastify', github: 'fastify/fastify' },
];

const wantedRepos = process.env.BENCH_REPOS?.split(',').map((name) => name.trim());
const repos = REPOS.filter((repo) => !wantedRepos || wantedRepos.includes(repo.name)).filter(ensureRepo);
if (repos.length === 0) {
  console.log('No repository to lint: see the lines above for how to fetch them. Nothing measured.');
  process.exit(0);
}

const summary = [];
for (const repo of repos) {
  const dir = path.join(reposDir, repo.name);
  console.log(`\n### ${repo.github} (bench/.repos/${repo.name})\n`);
  summary.push({ repo, syntactic: await syntactic(dir), typed: TYPED ? await typed(dir) : undefined });
}
printSummary(summary);

/** Part 1 and 2 for one repository. */
async function syntactic(dir) {
  const variants = ['none', 'js', 'js+recommended'];
  await lintOnce(dir, benchConfig('js+all'), { patterns: ['lib'] }); // warm-up: JIT, module loading
  const { cpu, last } = await interleave(dir, variants, (variant) => benchConfig(variant));
  const all = await lintOnce(dir, benchConfig('js+all'));
  const ruleMs = sumRuleTimes(all.results);
  const jsMs = sum(JS_RECOMMENDED.map((id) => ruleMs.get(id) ?? 0));
  const oursMs = sum(OUR_RECOMMENDED.map((id) => ruleMs.get(id) ?? 0));
  const lines = countLines(last.none.results);
  const jsCost = cpu.js - cpu.none;
  const oursCost = cpu['js+recommended'] - cpu.js;

  console.log(`${last.none.results.length} files, ${lines.toLocaleString('en-US')} lines; median CPU of ${ROUNDS} interleaved runs:\n`);
  table(
    ['Config', 'CPU (s)', 'Rules cost (s)'],
    [
      ['parser only (TypeScript parser, no rules)', s(cpu.none), '-'],
      ['@eslint/js recommended', s(cpu.js), s(jsCost)],
      ['@eslint/js recommended + cancel-safe recommended', s(cpu['js+recommended']), `+${s(oursCost)}`],
    ],
  );
  console.log(`\nPer-rule time in one \`js + every cancel-safe rule\` run (ESLint stats), as a share of @eslint/js recommended (${ms(jsMs)}):\n`);
  const rows = OUR_ALL.map((id) => [id, ruleMs.get(id) ?? 0])
    .sort((a, b) => b[1] - a[1])
    .map(([id, time]) => [id, OUR_RECOMMENDED.includes(id) ? 'yes' : '', ms(time), pct(time / jsMs), time / jsMs < 0.05 ? 'ok' : 'OVER 5%']);
  rows.push(['cancel-safe recommended, together', '', ms(oursMs), pct(oursMs / jsMs), oursMs / jsMs <= 0.25 ? 'ok' : 'OVER 25%']);
  table(['Rule', 'Recommended', 'Time', 'Share of @eslint/js', 'Target'], rows);
  const slowestJs = JS_RECOMMENDED.map((id) => [id, ruleMs.get(id) ?? 0]).sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`\n(@eslint/js's slowest: ${slowestJs.map(([id, time]) => `${id} ${ms(time)}`).join(', ')}.)`);
  return { files: last.none.results.length, lines, cpuRatio: oursCost / jsCost, statsRatio: oursMs / jsMs, ruleMs, jsMs };
}

/** Part 3 for one repository: a TypeScript program over lib/ (JavaScript, allowJs). */
async function typed(dir) {
  const tsconfig = writeBenchTsconfig(dir);
  const files = ['lib/**/*.{js,ts,mjs,cjs}'];
  const config = (variant) => benchConfig(variant, { tsconfig, files });
  await lintOnce(dir, config('ts-promises+all'), { patterns: ['lib'] }); // warm-up builds the program once
  const { cpu, last } = await interleave(dir, ['none', 'ts-promises', 'ts-promises+all'], config, ['lib']);
  const ruleMs = sumRuleTimes(last['ts-promises+all'].results);
  const tsMs = sum(TS_PROMISE_RULES.map((id) => ruleMs.get(id) ?? 0));
  const oursMs = sum(OUR_ALL.map((id) => ruleMs.get(id) ?? 0));
  const tsCost = cpu['ts-promises'] - cpu.none;
  const oursCost = cpu['ts-promises+all'] - cpu['ts-promises'];
  const fatal = last.none.results.filter((result) => result.messages.some((message) => message.fatal)).length;
  console.log(`\nTyped, lib/ only (${last.none.results.length} files${fatal ? `, ${fatal} with parse errors` : ''}), median CPU of ${ROUNDS} runs:\n`);
  table(
    ['Config', 'CPU (s)', 'Rules cost (s)'],
    [
      ['typed parser only', s(cpu.none), '-'],
      ['no-floating-promises + no-misused-promises', s(cpu['ts-promises']), s(tsCost)],
      ['those two + every cancel-safe rule', s(cpu['ts-promises+all']), `+${s(oursCost)}`],
    ],
  );
  console.log(`\nESLint stats in the last \`those two + ours\` run: the two rules ${ms(tsMs)}, every cancel-safe rule ${ms(oursMs)} (${pct(oursMs / tsMs)}).`);
  const top = OUR_ALL.map((id) => [id, ruleMs.get(id) ?? 0]).sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`Slowest of ours with types: ${top.map(([id, time]) => `${id} ${ms(time)} (${pct(time / tsMs)})`).join(', ')}.`);
  return { cpuRatio: oursCost / tsCost, statsRatio: oursMs / tsMs, top };
}

/** Runs each variant ROUNDS times, interleaved; returns median CPU seconds and each variant's last run. */
async function interleave(dir, variants, configOf, patterns = ['.']) {
  const samples = Object.fromEntries(variants.map((variant) => [variant, []]));
  const last = {};
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first after a warm machine.
    for (const variant of rotate(variants, round)) {
      const run = await lintOnce(dir, configOf(variant), { patterns });
      samples[variant].push(run.cpu);
      last[variant] = run;
    }
  }
  return { cpu: Object.fromEntries(variants.map((variant) => [variant, median(samples[variant])])), last };
}

async function lintOnce(dir, overrideConfig, { patterns = ['.'] } = {}) {
  globalThis.gc?.();
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig, stats: true, errorOnUnmatchedPattern: false });
  const start = process.cpuUsage();
  const results = await eslint.lintFiles(patterns);
  const used = process.cpuUsage(start);
  return { results, cpu: (used.user + used.system) / 1e6 };
}

function sumRuleTimes(results) {
  const times = new Map();
  for (const result of results) {
    for (const pass of result.stats?.times.passes ?? []) {
      for (const [id, { total }] of Object.entries(pass.rules ?? {})) times.set(id, (times.get(id) ?? 0) + total);
    }
  }
  return times;
}

/**
 * Makes sure bench/.repos/NAME exists: extracts it from a fetched mirror when there is one,
 * otherwise says how to get it and skips it (this bench must never fail CI for lack of a repo).
 */
function ensureRepo(repo) {
  const target = path.join(reposDir, repo.name);
  if (fs.existsSync(path.join(target, 'package.json'))) return true;
  const mirror = path.join(root, '..', '.mirror', repo.github.replace('/', '+'), 'repo');
  if (fs.existsSync(mirror)) {
    fs.mkdirSync(target, { recursive: true });
    const archive = execFileSync('git', ['--git-dir', mirror, 'archive', 'HEAD'], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', target], { input: archive });
    console.log(`Extracted ${repo.github} from ${mirror} into bench/.repos/${repo.name}.`);
    return true;
  }
  console.log(
    `Skipping ${repo.github}: bench/.repos/${repo.name} is missing. Get it with\n` +
      `  git clone --depth 1 https://github.com/${repo.github} bench/.repos/${repo.name}\n` +
      '(bench/.repos/ is gitignored; never commit fetched code).',
  );
  return false;
}

/** A tsconfig for typed linting of the repository's lib/, kept inside the gitignored copy. */
function writeBenchTsconfig(dir) {
  const file = path.join(dir, 'tsconfig.cancel-safe-bench.json');
  const tsconfig = {
    compilerOptions: {
      allowJs: true,
      checkJs: false,
      noEmit: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      skipLibCheck: true,
      // The repository's own node_modules are not installed: take Node's types from ours.
      typeRoots: [path.join(root, 'node_modules', '@types')],
      types: ['node'],
    },
    include: ['lib/**/*'],
  };
  fs.writeFileSync(file, `${JSON.stringify(tsconfig, null, 2)}\n`);
  return file;
}

function printSummary(entries) {
  console.log('\n### Summary (targets from the issue)\n');
  const rows = [];
  for (const { repo, syntactic: syn, typed: typ } of entries) {
    rows.push([repo.name, 'cancel-safe recommended / @eslint/js recommended (CPU)', pct(syn.cpuRatio), '<= 25%', syn.cpuRatio <= 0.25 ? 'met' : 'MISSED']);
    rows.push([repo.name, 'same, from ESLint per-rule stats', pct(syn.statsRatio), '<= 25%', syn.statsRatio <= 0.25 ? 'met' : 'MISSED']);
    const worst = [...syn.ruleMs].filter(([id]) => id.startsWith('cancel-safe/')).sort((a, b) => b[1] - a[1])[0];
    if (worst) rows.push([repo.name, `slowest rule: ${worst[0]}`, pct(worst[1] / syn.jsMs), '< 5%', worst[1] / syn.jsMs < 0.05 ? 'met' : 'MISSED']);
    if (typ) {
      rows.push([repo.name, 'typed: every cancel-safe rule / the two typescript-eslint rules (CPU)', pct(typ.cpuRatio), '<= 50%', typ.cpuRatio <= 0.5 ? 'met' : 'MISSED']);
      rows.push([repo.name, 'same, from ESLint per-rule stats', pct(typ.statsRatio), '<= 50%', typ.statsRatio <= 0.5 ? 'met' : 'MISSED']);
    }
  }
  table(['Repository', 'Ratio', 'Measured', 'Target', ''], rows);
  console.log('\nCPU ratios subtract whole-run CPU times and swing by several points on a busy machine; the stats ratios come from one run each.');
}

function table(header, rows) {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => String(row[column]).length)));
  const line = (row) => `| ${row.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  console.log([line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

function countLines(results) {
  let lines = 0;
  for (const { filePath } of results) lines += fs.readFileSync(filePath, 'utf8').split('\n').length;
  return lines;
}

function rotate(list, by) {
  const shift = by % list.length;
  return [...list.slice(shift), ...list.slice(0, shift)];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}
function s(seconds) {
  return seconds.toFixed(2);
}
function ms(milliseconds) {
  return `${Math.round(milliseconds)} ms`;
}
function pct(ratio) {
  return `${(ratio * 100).toFixed(1)}%`;
}
