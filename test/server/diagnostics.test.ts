import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import plugin = require('eslint-plugin-cancel-safe');
import { createZeroConfig } from 'eslint-plugin-cancel-safe/cli';
import type { Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { changeAndWait, nextNotification, openAndWait, REPO, sleep, startInitialized, summarize, type ServerUnderTest } from './lsp-client';

const HAZARD = `await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);\n`;
const ALL_RULES = Object.fromEntries(Object.keys(plugin.rules).map((id) => [id, 'error']));
/** Documents that exist only in the editor, outside any ESLint config (the repo's own would apply inside it). */
const VIRTUAL = path.join(os.tmpdir(), 'cancel-safe-virtual');
const virtual = (name: string) => pathToFileURL(path.join(VIRTUAL, name)).href;

/**
 * Hazardous snippets per rule: the ❌ blocks of its docs page, the invalid cases of its tests and
 * the examples/ files. Whatever they hold, the server must report exactly what ESLint reports, and
 * at least one snippet must trigger the rule.
 */
function snippetsFor(id: string): { name: string; code: string }[] {
  const snippets: { name: string; code: string }[] = [];
  const doc = path.join(REPO, 'rules', 'docs', 'rules', `${id}.md`);
  if (fs.existsSync(doc)) {
    const text = fs.readFileSync(doc, 'utf8');
    const incorrect = /###\s*❌[^\n]*\n([\s\S]*?)(?=\n###\s|\n##\s|$)/.exec(text)?.[1] ?? '';
    let index = 0;
    for (const match of incorrect.matchAll(/```(?:ts|js|typescript|javascript|tsx|mjs|cjs)\n([\s\S]*?)```/g)) {
      snippets.push({ name: `${id}-doc-${index++}.ts`, code: match[1]! });
    }
  }
  // The invalid cases of the rule's own tests (plain template literals; options and types aside).
  const tests = path.join(REPO, 'test', 'rules', `${id}.test.ts`);
  if (fs.existsSync(tests)) {
    const text = fs.readFileSync(tests, 'utf8');
    const invalid = text.slice(Math.max(0, text.indexOf('invalid:')));
    let index = 0;
    for (const match of invalid.matchAll(/code:\s*`([^`$]*)`/g)) {
      const code = match[1]!.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
      if (index < 8) snippets.push({ name: `${id}-test-${index++}.ts`, code });
    }
  }
  const examples = path.join(REPO, 'examples');
  for (const name of fs.readdirSync(examples).filter((file) => /\.[cm]?[jt]sx?$/.test(file))) {
    snippets.push({ name: `${id}-example-${name}`, code: fs.readFileSync(path.join(examples, name), 'utf8') });
  }
  return snippets;
}

describe('language server: diagnostics', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startInitialized({ mode: 'push' });
  });
  after(async () => {
    const code = await server.stop();
    assert.equal(code, 0, `server exited with ${code}; stderr: ${server.stderr()}`);
  });

  it('publishes diagnostics with version, source, rule id and docs link for an open document', async () => {
    const uri = virtual('hazard.ts');
    const { diagnostics, version } = await openAndWait(server, uri, HAZARD);
    assert.equal(version, 1);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout'],
    );
    for (const diagnostic of diagnostics) {
      assert.equal(diagnostic.source, 'cancel-safe');
      assert.equal(diagnostic.severity, 1, 'no-leaky-timeout is an error in recommended');
      assert.match(diagnostic.codeDescription!.href, /rules\/docs\/rules\/no-leaky-timeout\.md$/);
    }
  });

  describe('every rule of the plugin reports through the server exactly what ESLint reports', () => {
    const eslint = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [...createZeroConfig(plugin as never), { rules: Object.fromEntries(Object.keys(ALL_RULES).map((id) => [`cancel-safe/${id}`, 'error'])) } as Linter.Config],
      cwd: path.parse(REPO).root,
    });
    before(() => {
      server.settings = { rules: ALL_RULES };
      return server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    });
    after(() => {
      server.settings = {};
      return server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    });
    for (const id of Object.keys(plugin.rules).sort()) {
      const own = ['rules/docs/rules/' + id + '.md', 'test/rules/' + id + '.test.ts'].some((file) => fs.existsSync(path.join(REPO, file)));
      // A rule whose docs and tests are still being written has no snippet of its own yet.
      (own ? it : it.skip)(own ? id : `${id} (no docs page or tests yet)`, async () => {
        let reported = 0;
        for (const { name, code } of snippetsFor(id)) {
          const uri = virtual(name);
          const [expected] = await eslint.lintText(code, { filePath: path.join(VIRTUAL, name) });
          const wanted = expected!.messages
            .filter((m) => m.ruleId?.startsWith('cancel-safe/') || m.fatal)
            .map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'parse'} ${m.severity === 2 ? 1 : 2}`)
            .sort();
          const { diagnostics } = await openAndWait(server, uri, code);
          await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
          assert.deepEqual(summarize(diagnostics), wanted, `${name}:\n${code}`);
          reported += diagnostics.filter((d) => d.code === `cancel-safe/${id}`).length;
        }
        assert.ok(reported > 0, `no snippet of ${id} (docs ❌ blocks, test invalid cases, examples/) made the server report it`);
      });
    }
  });

  it('shows where a rule\'s second place is as relatedInformation (no-race-leak: where the raced promise was made)', async () => {
    const uri = virtual('related-race.ts');
    const code = `export async function loop(work: () => Promise<void>, stop: Promise<void>) {\n  const shutdown = stop.then(() => 'stop');\n  for (;;) {\n    await Promise.race([work(), shutdown]);\n  }\n}\n`;
    const { diagnostics } = await openAndWait(server, uri, code);
    const leak = diagnostics.find((d: Diagnostic) => d.code === 'cancel-safe/no-race-leak');
    assert.ok(leak, JSON.stringify(diagnostics));
    assert.equal(leak.relatedInformation?.length, 1);
    assert.equal(leak.relatedInformation![0]!.location.uri, uri);
    assert.equal(leak.relatedInformation![0]!.location.range.start.line, 1);
    assert.match(leak.relatedInformation![0]!.message, /`shutdown` is created here, once, outside the loop/);
  });

  it('reports a parse error as a diagnostic at its location and keeps serving', async () => {
    const uri = virtual('broken.ts');
    const { diagnostics } = await openAndWait(server, uri, 'const ok = 1;\nconst = ;\n');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.range.start.line, 1);
    assert.match(diagnostics[0]!.message as string, /Parsing error/);
    assert.equal(diagnostics[0]!.code, undefined);
    const fixed = await changeAndWait(server, uri, HAZARD, 2);
    assert.equal(fixed.diagnostics.length, 2);
  });

  it('applies severity overrides and enable=false from the settings without a restart', async () => {
    const uri = virtual('settings.ts');
    await openAndWait(server, uri, HAZARD);
    server.settings = { rules: { 'no-leaky-timeout': 'warn' } };
    let published = nextNotification<{ uri: string; diagnostics: Diagnostic[] }>(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri);
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual((await published).diagnostics.map((d) => d.severity), [2, 2]);
    server.settings = { enable: false };
    published = nextNotification(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri);
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual((await published).diagnostics, []);
    server.settings = {};
    published = nextNotification(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri);
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.equal((await published).diagnostics.length, 2);
  });

  it('reports malformed and unknown settings once in the log and ignores them', async () => {
    server.settings = { enable: 'yes', run: 'always', rules: ['no-leaky-timeout'], raceHelpers: [1, 'raceWith'], colour: 'blue' };
    const uri = virtual('malformed.ts');
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const { diagnostics } = await openAndWait(server, uri, HAZARD);
    assert.equal(diagnostics.length, 2, 'invalid values fall back to their defaults');
    await changeAndWait(server, uri, `${HAZARD}\n`, 2);
    for (const pattern of [/cancelSafe\.enable` must be true or false/, /cancelSafe\.run` must be/, /cancelSafe\.rules` must be an object/, /raceHelpers` contains number 1/, /Unknown setting `cancelSafe\.colour`/]) {
      assert.equal(server.logs.filter((line) => pattern.test(line)).length, 1, `${pattern} logged once; logs:\n${server.logs.join('\n')}`);
    }
    server.settings = {};
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  });

  it('sends cancelSafe/status with the ESLint and the config used and the last lint', async () => {
    const uri = virtual('status.ts');
    await openAndWait(server, uri, HAZARD);
    await sleep(20);
    const status = server.statuses.filter((s) => s.uri === uri).at(-1) as { state: string; eslint: { version: string; source: string }; config: { kind: string }; lastLint: { version: number; problems: number } };
    assert.equal(status.state, 'ok');
    assert.equal(status.eslint.version, ESLint.version);
    assert.equal(status.config.kind, 'embedded');
    assert.deepEqual([status.lastLint.version, status.lastLint.problems], [1, 2]);
  });

  it('never publishes an older version after a newer one (a burst of edits)', async () => {
    const uri = virtual('burst.ts');
    const versions: number[] = [];
    server.on('textDocument/publishDiagnostics', (p: { uri: string; version: number }) => {
      if (p.uri === uri) versions.push(p.version);
    });
    await openAndWait(server, uri, HAZARD);
    let last!: Promise<unknown>;
    for (let version = 2; version <= 101; version++) {
      if (version === 101) last = nextNotification(server, 'textDocument/publishDiagnostics', (p: { uri: string; version: number }) => p.uri === uri && p.version === 101);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: `${HAZARD}// ${version}\n` }] });
    }
    await last;
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions ${versions.join(',')}`);
    assert.ok(versions.length <= 10, `a burst of 100 edits costs a few lints, published ${versions.length} times`);
  });

  it('after an edit re-parses only the statements around it, with the same diagnostics as a full lint (trace log)', async () => {
    const uri = virtual('incremental.ts');
    const units = Array.from({ length: 40 }, (_, index) => `export async function load${index}(url: string): Promise<unknown> {\n  return fetch(url);\n}\n`);
    // Inside a function: a file with a top-level `await` is always parsed in full (TypeScript parses it twice).
    const text = `${units.join('\n')}\nexport async function hazard(url: string): Promise<void> {\n  ${HAZARD}}\n`;
    server.settings = { trace: { server: 'verbose' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    try {
      const opened = await openAndWait(server, uri, text);
      const edited = text.replace('load20(url: string)', 'load20(url: string, attempt = 0)');
      const logged = nextNotification<{ message: string }>(server, 'window/logMessage', ({ message }) => message.startsWith(`Linted ${uri} v2 `));
      const changed = await changeAndWait(server, uri, edited, 2);
      assert.deepEqual(summarize(changed.diagnostics), summarize(opened.diagnostics));
      const { message } = await logged;
      const match = /re-parsed (\d+) of (\d+) characters/.exec(message);
      assert.ok(match, message);
      assert.ok(Number(match[1]) * 10 < Number(match[2]), match[0]);
    } finally {
      server.settings = {};
      await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }
  });

  it('with run=onSave lints on open and save, not on change', async () => {
    server.settings = { run: 'onSave' };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const uri = virtual('on-save.ts');
    const versions: number[] = [];
    const listener = server.on('textDocument/publishDiagnostics', (p: { uri: string; version: number }) => {
      if (p.uri === uri) versions.push(p.version);
    });
    try {
      await openAndWait(server, uri, HAZARD);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'export {};\n' }] });
      await sleep(300);
      assert.deepEqual(versions, [1], 'no lint on change');
      const saved = nextNotification<{ uri: string; version: number; diagnostics: Diagnostic[] }>(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
      await server.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
      assert.deepEqual((await saved).diagnostics, []);
    } finally {
      listener.dispose();
      server.settings = {};
      await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    }
  });

  it('ignores documents that are not JavaScript or TypeScript', async () => {
    const uri = virtual('notes.md');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: HAZARD } });
    const report = await server.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.deepEqual(report, []);
  });
});

describe('language server: pull diagnostics (LSP 3.17 clients)', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startInitialized({ mode: 'pull' });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  it('answers textDocument/diagnostic with a result id, then "unchanged" for the same text and config', async () => {
    const uri = virtual('pull.ts');
    let pushed = 0;
    server.on('textDocument/publishDiagnostics', () => pushed++);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: HAZARD } });
    const first = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport & { resultId: string; items: Diagnostic[] };
    assert.equal(first.kind, 'full');
    assert.equal(first.items.length, 2);
    assert.ok(first.resultId);
    const second = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId: first.resultId })) as DocumentDiagnosticReport;
    assert.deepEqual(second, { kind: 'unchanged', resultId: first.resultId });
    // The same text at a new version is still unchanged; a settings change is not.
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: HAZARD }] });
    const third = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId: first.resultId })) as DocumentDiagnosticReport;
    assert.equal(third.kind, 'unchanged');
    server.settings = { rules: { 'no-leaky-timeout': 'warn' } };
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const fourth = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId: first.resultId })) as DocumentDiagnosticReport & { items: Diagnostic[] };
    assert.equal(fourth.kind, 'full');
    assert.deepEqual(fourth.items.map((d) => d.severity), [2, 2]);
    assert.equal(pushed, 0, 'a pull client gets no pushed diagnostics');
    server.settings = {};
  });

  it('honours $/cancelRequest on a pending pull', async () => {
    const uri = virtual('cancel-pull.ts');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: HAZARD.repeat(200) } });
    const { CancellationTokenSource } = await import('vscode-jsonrpc');
    const source = new CancellationTokenSource();
    const request = server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
    source.cancel();
    await assert.rejects(request, (error: { code?: number }) => error.code === -32800);
    // The server is still fine and answers the next pull.
    const report = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diagnostic[] };
    assert.equal(report.items.length, 400);
  });
});
