// `npm run bench server`: the language server as an editor sees it, over stdio with a real
// JSON-RPC client. didChange -> publishDiagnostics latency for a 2,000-line TypeScript file over
// 50 successive edits (syntactic and type-aware), the first type-aware lint of a 100-file project,
// and the server's RSS with 200 open documents. Baseline: one `eslint` process on the same file
// with the same (embedded) config, i.e. what `npx eslint file.ts` costs per run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverBin = path.join(repo, 'server', 'bin', 'cancel-safe-language-server.js');
const eslintBin = path.join(repo, 'node_modules', 'eslint', 'bin', 'eslint.js');
const EDITS = 50;

/** A 16-line async function; one in eight races a timer against a fetch (a hazard). */
function unit(i) {
  const call = i % 8 === 0
    ? `await Promise.race([
    fetch(url),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout ${i}')), 1_000)),
  ]);`
    : `await fetch(url, {
    signal: AbortSignal.timeout(1_000),
    headers: { 'x-unit': '${i}' },
  });`;
  return `export async function load${i}(db: { query(sql: string): Promise<unknown> }, url: string): Promise<unknown> {
  const rows = await db.query('select * from t${i}');
  const response = ${call}
  if (!rows) throw new Error('no rows ${i}');
  const values: number[] = [];
  for (let k = 0; k < ${i % 7} + 3; k++) values.push(k * ${i});
  const total = values.reduce((sum, value) => sum + value, 0);
  const label = \`unit ${i}: \${total}\`;
  console.log(label);
  return { rows, response, total };
}

`;
}
/** About `lines` lines of realistic async TypeScript. */
function bigFile(lines) {
  let text = '';
  for (let i = 0; text.split('\n').length < lines; i++) text += unit(i);
  return text;
}

function startServer() {
  const child = spawn(process.execPath, [serverBin, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiters = [];
  let settings = {};
  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && waiter.version === params.version) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => {});
  connection.onNotification('cancelSafe/status', () => {});
  connection.listen();
  return {
    child,
    connection,
    set settings(value) {
      settings = value;
    },
    published: (uri, version) => new Promise((resolve) => waiters.push({ uri, version, resolve })),
    async init(root) {
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: root ? pathToFileURL(root).href : null,
        workspaceFolders: root ? [{ uri: pathToFileURL(root).href, name: 'bench' }] : null,
        capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      });
      await connection.sendNotification('initialized', {});
    },
    async open(uri, text) {
      const done = this.published(uri, 1);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
      return done;
    },
    rssMb() {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
    },
    async stop() {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      await new Promise((resolve) => child.once('exit', resolve));
      connection.dispose();
    },
  };
}

/**
 * 50 one-character edits in the middle of the file, each waited for: didChange -> diagnostics of
 * that version. They alternate between whitespace and a token (`;`, an empty statement before a
 * statement), so the token stream and the AST change too, not only positions. Every edit keeps the
 * file valid: a parse error would make the lint cheap and the figure meaningless.
 */
async function editLatencies(server, uri, text, expectedProblems) {
  const lines = text.split('\n');
  const times = [];
  for (let version = 2; version < 2 + EDITS; version++) {
    const kind = [' ', ';', '\t'][version % 3];
    let line = Math.floor(lines.length / 2) + (version % 20);
    if (kind === ';') while (!/^\s*(const|if|console|return)\b/.test(lines[line])) line++;
    lines[line] = kind + lines[line];
    const done = server.published(uri, version);
    const start = performance.now();
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: kind }],
    });
    const { diagnostics } = await done;
    times.push(performance.now() - start);
    if (diagnostics.length !== expectedProblems) throw new Error(`Edit ${version} changed the problems from ${expectedProblems} to ${diagnostics.length}: ${JSON.stringify(diagnostics.slice(0, 2))}`);
  }
  return times;
}

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (value) => `${value.toFixed(1)} ms`;

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-bench-server-')));
try {
  // ---- syntactic ----
  const big = bigFile(2_000);
  const bigPath = path.join(dir, 'syntactic', 'big.ts');
  fs.mkdirSync(path.dirname(bigPath), { recursive: true });
  fs.writeFileSync(bigPath, big);
  const bigUri = pathToFileURL(bigPath).href;
  const server = startServer();
  await server.init(null);
  const startOpen = performance.now();
  const first = await server.open(bigUri, big);
  const firstLint = performance.now() - startOpen;
  const syntactic = await editLatencies(server, bigUri, big, first.diagnostics.length);

  // Baseline: one eslint process per run with the same config (the embedded recommended one).
  const baseDir = path.join(dir, 'baseline');
  fs.mkdirSync(baseDir);
  fs.writeFileSync(path.join(baseDir, 'big.ts'), big);
  fs.writeFileSync(
    path.join(baseDir, 'eslint.config.mjs'),
    `import plugin from ${JSON.stringify(pathToFileURL(path.join(repo, 'rules', 'dist', 'index.js')).href)};\nimport cli from ${JSON.stringify(pathToFileURL(path.join(repo, 'rules', 'dist', 'cli', 'index.js')).href)};\nexport default cli.createZeroConfig(plugin);\n`,
  );
  const baseline = [];
  let baselineProblems = 0;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, [eslintBin, '--format', 'json', 'big.ts'], { cwd: baseDir, encoding: 'utf8', maxBuffer: 1 << 28 });
    baseline.push(performance.now() - start);
    baselineProblems = JSON.parse(result.stdout)[0].messages.length;
  }

  const rssAfterEdits = server.rssMb();
  await server.stop();

  // Baselines in this process (no LSP, no worker), warm: stock ESLint's lintText (a full parse every
  // time: what a server without an incremental parser pays), and ESLint with the parse taken away
  // (a parser that returns the same cached result): the floor of exact whole-file linting.
  const { ESLint } = await import('eslint');
  const plugin = (await import(pathToFileURL(path.join(repo, 'rules', 'dist', 'index.js')).href)).default;
  const cli = (await import(pathToFileURL(path.join(repo, 'rules', 'dist', 'cli', 'index.js')).href)).default;
  const tsParser = (await import('@typescript-eslint/parser')).default;
  const inProcess = new ESLint({ overrideConfigFile: true, overrideConfig: cli.createZeroConfig(plugin), cwd: '/' });
  const parsed = new Map();
  const cachedParser = {
    meta: { name: 'bench/cached-parse' },
    parseForESLint(code, options) {
      if (!parsed.has(code)) parsed.set(code, tsParser.parseForESLint(code, options));
      return parsed.get(code);
    },
  };
  const parseFree = new ESLint({ overrideConfigFile: true, overrideConfig: [...cli.createZeroConfig(plugin), { files: cli.LINTED_FILES, languageOptions: { parser: cachedParser } }], cwd: '/' });
  // The same with every rule off: what ESLint costs per lint before any rule runs (source code
  // object, token index, traversal with code-path analysis), the part no rule or parser can remove.
  const allRulesOff = Object.fromEntries(Object.keys(plugin.rules).map((id) => [`cancel-safe/${id}`, 'off']));
  const ruleFree = new ESLint({ overrideConfigFile: true, overrideConfig: [...cli.createZeroConfig(plugin), { files: cli.LINTED_FILES, languageOptions: { parser: cachedParser }, rules: allRulesOff }], cwd: '/' });
  const floor = [];
  const parseFreeTimes = [];
  const ruleFreeTimes = [];
  for (let run = 0; run < 32; run++) {
    let start = performance.now();
    await inProcess.lintText(`${big}${' '.repeat(run)}`, { filePath: bigPath });
    if (run >= 2) floor.push(performance.now() - start);
    start = performance.now();
    await parseFree.lintText(big, { filePath: bigPath });
    if (run >= 2) parseFreeTimes.push(performance.now() - start);
    start = performance.now();
    const [ruleFreeResult] = await ruleFree.lintText(big, { filePath: bigPath });
    if (run >= 2) ruleFreeTimes.push(performance.now() - start);
    if (ruleFreeResult.messages.length > 0) throw new Error(`ESLint with every rule off reported ${ruleFreeResult.messages.length} problems; the baseline is wrong`);
  }

  // ---- Real files, in this process: stock ESLint against ESLint with the server's incremental
  // parser, 30 edits each (a `;` before a statement, or a space), messages compared every time.
  const { createIncrementalParser } = await import(pathToFileURL(path.join(repo, 'server', 'dist', 'eslint', 'incremental-parser.js')).href);
  const incrementalParser = createIncrementalParser();
  const withIncremental = new ESLint({ overrideConfigFile: true, overrideConfig: [...cli.createZeroConfig(plugin), { files: cli.LINTED_FILES, languageOptions: { parser: incrementalParser } }], cwd: '/' });
  const realFiles = [];
  for (const relative of ['rules/src/rules/no-unbounded-queue.ts', 'rules/src/util/shutdown.ts', 'server/src/server.ts']) {
    const lines = fs.readFileSync(path.join(repo, relative), 'utf8').split('\n');
    const filePath = path.join(dir, 'real', relative);
    const statements = lines.map((line, index) => (/^\s+(const|let|return|if|for)\b/.test(line) ? index : -1)).filter((index) => index >= 0);
    await withIncremental.lintText(lines.join('\n'), { filePath });
    const stock = [];
    const incremental = [];
    for (let edit = 0; edit < 30; edit++) {
      const line = statements[(edit * 7919) % statements.length];
      lines[line] = (edit % 2 ? ' ' : ';') + lines[line];
      const text = lines.join('\n');
      let start = performance.now();
      const [fast] = await withIncremental.lintText(text, { filePath });
      incremental.push(performance.now() - start);
      start = performance.now();
      const [full] = await inProcess.lintText(text, { filePath });
      stock.push(performance.now() - start);
      if (JSON.stringify(fast.messages) !== JSON.stringify(full.messages)) throw new Error(`${relative}, edit ${edit}: the incremental parser changed ESLint's messages`);
    }
    realFiles.push({ relative, lines: lines.length, stock, incremental });
  }

  // ---- RSS with 200 open documents (a fresh server, files of ~100 lines) ----
  const fresh = startServer();
  await fresh.init(null);
  const many = [];
  for (let i = 0; i < 200; i++) {
    const file = path.join(dir, 'many', `doc${i}.ts`);
    many.push(fresh.open(pathToFileURL(file).href, bigFile(100)));
  }
  await Promise.all(many);
  const rss200 = fresh.rssMb();
  await fresh.stop();

  // ---- type-aware: a 100-file project ----
  const project = path.join(dir, 'typed');
  fs.mkdirSync(path.join(project, 'src'), { recursive: true });
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'node16', lib: ['ES2023', 'DOM'], noEmit: true, skipLibCheck: true }, include: ['src'] }));
  for (let i = 0; i < 99; i++) {
    fs.writeFileSync(path.join(project, 'src', `m${i}.ts`), `${i > 0 ? `import { load${i - 1} } from './m${i - 1}.js';\nexport const prev${i} = load${i - 1};\n` : ''}${unit(i)}${unit(i + 1000)}`);
  }
  const typedPath = path.join(project, 'src', 'big.ts');
  fs.writeFileSync(typedPath, `import { load98 } from './m98.js';\nexport const last = load98;\n${big}`);
  const typedText = fs.readFileSync(typedPath, 'utf8');
  const typedServer = startServer();
  typedServer.settings = { typeAware: true };
  await typedServer.init(project);
  const typedOpenStart = performance.now();
  const typedFirst = await typedServer.open(pathToFileURL(typedPath).href, typedText);
  const typedFirstLint = performance.now() - typedOpenStart;
  const typed = await editLatencies(typedServer, pathToFileURL(typedPath).href, typedText, typedFirst.diagnostics.length);
  const typedRss = typedServer.rssMb();
  await typedServer.stop();

  const p50 = pct(syntactic, 50);
  const base = pct(baseline, 50);
  console.log(`2,000-line file (${big.split('\n').length} lines, ${first.diagnostics.length} problems; eslint CLI: ${baselineProblems}), ${EDITS} edits, each waited for:\n`);
  console.log('| Measure | Value | Target |');
  console.log('| --- | --- | --- |');
  console.log(`| syntactic didChange→diagnostics p50 | ${ms(p50)} | <= 25 ms |`);
  console.log(`| syntactic didChange→diagnostics p95 | ${ms(pct(syntactic, 95))} | <= 60 ms |`);
  console.log(`| syntactic first lint (worker start, ESLint load) | ${ms(firstLint)} | |`);
  console.log(`| \`eslint\` CLI, one process per run, same file and config (median of 5) | ${ms(base)} | baseline |`);
  console.log(`| ratio CLI / server p50 | ${(base / p50).toFixed(1)}x faster | |`);
  console.log(`| stock ESLint \`lintText\` in-process, warm, full parse (median of 30) | ${ms(pct(floor, 50))} | |`);
  console.log(`| server p50 / stock \`lintText\` | ${(p50 / pct(floor, 50)).toFixed(2)} | |`);
  console.log(`| ESLint \`lintText\` with the parse cached: ESLint's own work, the floor of exact whole-file linting (p50 / p95 of 30) | ${ms(pct(parseFreeTimes, 50))} / ${ms(pct(parseFreeTimes, 95))} | |`);
  console.log(`| server p50 / that floor | ${(p50 / pct(parseFreeTimes, 50)).toFixed(2)} | |`);
  console.log(`| the same with every rule off: ESLint's cost before any rule runs (p50 / p95 of 30) | ${ms(pct(ruleFreeTimes, 50))} / ${ms(pct(ruleFreeTimes, 95))} | |`);
  console.log(`| type-aware didChange→diagnostics p50 (100-file project) | ${ms(pct(typed, 50))} | |`);
  console.log(`| type-aware didChange→diagnostics p95 | ${ms(pct(typed, 95))} | < 300 ms |`);
  console.log(`| type-aware first lint (program creation), ${typedFirst.diagnostics.length} problems | ${ms(typedFirstLint)} | |`);
  console.log(`| server RSS, 200 open documents (syntactic) | ${rss200.toFixed(0)} MB | < 250 MB |`);
  console.log(`| server RSS after the 50 edits of the 2,000-line file | ${rssAfterEdits.toFixed(0)} MB | |`);
  console.log(`| server RSS after type-aware run | ${typedRss.toFixed(0)} MB | |`);
  console.log(`\nReal files in this process, 30 edits each, ESLint's messages identical with both parsers (${incrementalParser.stats.incremental} incremental parses, full: ${JSON.stringify(incrementalParser.stats.full)}):\n`);
  console.log('| File | Lines | stock ESLint p50 / p95 | with the incremental parser p50 / p95 | ratio of p50s |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const { relative, lines, stock, incremental } of realFiles) {
    console.log(`| ${relative} | ${lines} | ${ms(pct(stock, 50))} / ${ms(pct(stock, 95))} | ${ms(pct(incremental, 50))} / ${ms(pct(incremental, 95))} | ${(pct(stock, 50) / pct(incremental, 50)).toFixed(2)}x |`);
  }
  console.log(`\nLoad average while measuring: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores.`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
