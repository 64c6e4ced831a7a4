// Replays real code through the real language server and checks every answer against ESLint.
//
//   node scripts/replay-server.mjs DIR [--files 40] [--edits 8] [--seed 1]
//
// Picks `--files` source files of DIR (a fetched repository, e.g. bench/.repos/undici) at random,
// copies them into a temporary workspace without an eslint.config.* (so the server uses its
// embedded config, with its incremental parser), opens each in the server over stdio and makes
// `--edits` edits: most keep the file valid (whitespace or `;` before a statement), the rest
// insert or delete random characters. After the open and after every edit it compares the
// diagnostics the server published for that version with stock ESLint's `lintText` (the embedded
// config, typescript-estree's full parse) on the same text: rule, position and message of every
// problem and parse error. Prints every mismatch and exits 1 if there was one. Its oracle is what
// users see, the reported problems, so it checks the whole path (didChange, incremental parse,
// worker, diagnostics) but only as closely as the rules look at the code: a wrong position inside
// a statement no rule reports on goes unnoticed. The incremental parser's own property tests
// (test/server/incremental-parser.test.ts) compare whole ASTs, tokens and scopes.
//
// Build first (`npm run build`). Deterministic for a given DIR, --files, --edits and --seed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { files: { type: 'string', default: '40' }, edits: { type: 'string', default: '8' }, seed: { type: 'string', default: '1' } },
});
const [sourceDir] = positionals;
const counts = { files: Number(values.files), edits: Number(values.edits), seed: Number(values.seed) };
if (!sourceDir || !fs.existsSync(sourceDir) || !Object.values(counts).every((n) => Number.isInteger(n) && n >= 0)) {
  console.error('Usage: node scripts/replay-server.mjs DIR [--files N] [--edits N] [--seed N]  (DIR: a directory of JS/TS sources, e.g. bench/.repos/undici; N: whole numbers)');
  process.exit(2);
}
const plugin = (await import(pathToFileURL(path.join(repo, 'rules', 'dist', 'index.js')).href)).default;
const { createZeroConfig } = (await import(pathToFileURL(path.join(repo, 'rules', 'dist', 'cli', 'index.js')).href)).default;

/** A small linear congruential generator: the same seed replays the same files and edits. */
let state = counts.seed;
const random = (n) => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state % n;
};

const root = fs.realpathSync(sourceDir);
const candidates = [];
(function walk(directory) {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(entry.name) && !/\.d\.[cm]?ts$|\.min\.|^eslint\.config\./.test(entry.name) && fs.statSync(full).size < 150_000) candidates.push(full);
  }
})(root);
const picked = [];
while (picked.length < counts.files && candidates.length > 0) picked.push(candidates.splice(random(candidates.length), 1)[0]);

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-replay-'));
const copies = picked.map((file) => {
  const copy = path.join(workspace, path.relative(root, file));
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  fs.copyFileSync(file, copy);
  return copy;
});

const stock = new ESLint({ overrideConfigFile: true, overrideConfig: createZeroConfig(plugin), ruleFilter: ({ ruleId }) => ruleId.startsWith('cancel-safe/'), cwd: '/' });
const server = spawn(process.execPath, [path.join(repo, 'server', 'bin', 'cancel-safe-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
const waiting = new Map();
const parses = { incremental: 0, full: 0 };
connection.onNotification('textDocument/publishDiagnostics', ({ uri, version, diagnostics }) => {
  waiting.get(`${uri}#${version}`)?.(diagnostics);
  waiting.delete(`${uri}#${version}`);
});
connection.onNotification('window/logMessage', ({ message }) => {
  if (/re-parsed \d+ of/.test(message)) parses.incremental++;
  else if (/parsed in full/.test(message)) parses.full++;
  else if (/unhandled|uncaught|could not lint/i.test(message)) console.log(`server log: ${message}`);
});
connection.onNotification('window/showMessage', ({ message }) => console.log(`server message: ${message}`));
connection.onNotification('cancelSafe/status', () => {});
connection.onRequest('workspace/configuration', ({ items }) => items.map(() => ({ trace: { server: 'verbose' } })));
connection.onRequest('client/registerCapability', () => null);
connection.listen();
const rootUri = pathToFileURL(workspace).href;
await connection.sendRequest('initialize', {
  processId: process.pid,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: 'replay' }],
  capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
});
connection.sendNotification('initialized', {});

/** The server clamps ESLint's 0 column of an end-of-file parse error to the line start, as LSP needs. */
const fromServer = (d) => `${d.range.start.line}:${d.range.start.character} ${d.code ?? 'parse error'} ${d.message}`;
const fromESLint = (m) => `${Math.max(0, m.line - 1)}:${Math.max(0, m.column - 1)} ${m.ruleId ?? 'parse error'} ${m.message}`;
async function expected(text, filePath) {
  const [result] = await stock.lintText(text, { filePath, warnIgnored: false });
  return (result?.messages ?? []).filter((m) => m.fatal || m.ruleId?.startsWith('cancel-safe/')).map(fromESLint).sort();
}
const published = (uri, version) => new Promise((resolve) => waiting.set(`${uri}#${version}`, resolve));
/** Offset to an LSP position. */
function positionAt(text, offset) {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
}
const RANDOM_INSERTS = [' ', ';', '\n', 'x', '(', '}', '{', '//', 'await ', '"', '`', '/*', ''];
/** One edit: `[offset, deleted characters, inserted text]`. */
function nextEdit(text) {
  if (random(10) < 7) {
    const statements = [...text.matchAll(/\n([ \t]*)(?=(?:const|let|return|if|await|for|this)\b)/g)].map((match) => match.index + 1 + match[1].length);
    if (statements.length > 0) return [statements[random(statements.length)], 0, [' ', '\n', ';', '\t'][random(4)]];
  }
  const insert = RANDOM_INSERTS[random(RANDOM_INSERTS.length)];
  return [random(text.length + 1), insert === '' ? 1 + random(3) : random(4) === 0 ? 1 : 0, insert];
}

let compared = 0;
let mismatches = 0;
try {
  for (const file of copies) {
    const uri = pathToFileURL(file).href;
    let text = fs.readFileSync(file, 'utf8');
    let version = 1;
    let answer = published(uri, version);
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: /\.[cm]?tsx?$/.test(file) ? 'typescript' : 'javascript', version, text } });
    for (let edit = 0; ; edit++) {
      const have = (await answer).map(fromServer).sort();
      const want = await expected(text, file);
      compared++;
      if (JSON.stringify(have) !== JSON.stringify(want)) {
        mismatches++;
        console.log(`MISMATCH ${path.relative(workspace, file)} v${version}\n  ESLint: ${JSON.stringify(want)}\n  server: ${JSON.stringify(have)}`);
      }
      if (edit === counts.edits) break;
      const [offset, deleted, inserted] = nextEdit(text);
      const end = Math.min(text.length, offset + deleted);
      const range = { start: positionAt(text, offset), end: positionAt(text, end) };
      text = text.slice(0, offset) + inserted + text.slice(end);
      answer = published(uri, ++version);
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: inserted }] });
    }
    connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
} finally {
  await connection.sendRequest('shutdown');
  connection.sendNotification('exit');
  fs.rmSync(workspace, { recursive: true, force: true });
}
console.log(`${path.basename(root)}: ${copies.length} files, ${compared} versions compared, ${mismatches} mismatches; the server parsed ${parses.incremental} versions incrementally and ${parses.full} in full.`);
process.exitCode = mismatches > 0 ? 1 : 0;
