import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { capabilities, changeAndWait, nextNotification, openAndWait, REPO, sleep, startInitialized, startServer, summarize, tempWorkspace, type ServerUnderTest } from './lsp-client';
import { demoConfig, HAZARD, PARSER_URL, PLUGIN_URL } from './fixtures';

describe('language server: workspace configuration', function () {
  this.timeout(60_000);

  it('with a flat config that enables the plugin, reports exactly what `npx eslint` reports, with the workspace ESLint', async () => {
    const workspace = tempWorkspace(
      {
        'eslint.config.mjs': `import cancelSafe from 'eslint-plugin-cancel-safe';\nimport tseslint from 'typescript-eslint';\nexport default [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, cancelSafe.configs.strict, { rules: { 'cancel-safe/no-leaky-timeout': 'warn' } }];\n`,
        'src/a.ts': fs.readFileSync(path.join(REPO, 'examples', 'leaky-timeout.ts'), 'utf8'),
      },
      { inRepo: true },
    );
    const server = await startInitialized({ root: workspace.root });
    try {
      const { diagnostics } = await openAndWait(server, workspace.uri('src/a.ts'), fs.readFileSync(workspace.file('src/a.ts'), 'utf8'));
      let output: string;
      try {
        output = execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'src/a.ts'], { cwd: workspace.root, encoding: 'utf8' });
      } catch (error) {
        output = (error as { stdout: string }).stdout;
      }
      const [result] = JSON.parse(output) as { messages: { line: number; column: number; ruleId: string; severity: number }[] }[];
      const expected = result!.messages.filter((m) => m.ruleId?.startsWith('cancel-safe/')).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.severity === 2 ? 1 : 2}`).sort();
      assert.ok(expected.length > 0);
      assert.deepEqual(summarize(diagnostics), expected);
      assert.ok(diagnostics.every((d) => d.code !== 'cancel-safe/no-leaky-timeout' || d.severity === 2), 'severity comes from the config');
      await sleep(20);
      const status = server.statuses.at(-1) as { eslint: { source: string }; config: { kind: string; file: string } };
      assert.equal(status.eslint.source, 'workspace');
      assert.deepEqual(status.config, { kind: 'workspace', file: workspace.file('eslint.config.mjs') });
      assert.ok(server.logs.some((line) => line.includes("Using the workspace's ESLint")), server.logs.join('\n'));
    } finally {
      assert.equal(await server.stop(), 0);
      workspace.cleanup();
    }
  });

  it('with a config that does not enable the plugin, or none, lints with the embedded recommended config and the bundled ESLint', async () => {
    const workspace = tempWorkspace({ 'with/eslint.config.mjs': 'export default [{ rules: {} }];\n', 'without/.keep': '' });
    const server = await startInitialized({ root: workspace.root });
    try {
      for (const file of ['with/a.ts', 'without/a.ts']) {
        const { diagnostics } = await openAndWait(server, workspace.uri(file), HAZARD);
        assert.deepEqual(diagnostics.map((d) => d.code), ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout'], file);
      }
      assert.ok(server.logs.some((line) => /No ESLint installed in .*; using the bundled ESLint/.test(line)), server.logs.join('\n'));
    } finally {
      assert.equal(await server.stop(), 0);
      workspace.cleanup();
    }
  });

  it('a broken config or a missing plugin yields one clear diagnostic for the file; other files keep working', async () => {
    const workspace = tempWorkspace({
      'broken/eslint.config.mjs': 'export default [ { rules: { } ];\n',
      'missing/eslint.config.mjs': "import nope from 'eslint-plugin-does-not-exist';\nexport default [nope.configs.recommended];\n",
      'fine/.keep': '',
    });
    const server = await startInitialized({ root: workspace.root });
    try {
      const broken = await openAndWait(server, workspace.uri('broken/a.ts'), HAZARD);
      assert.equal(broken.diagnostics.length, 1);
      assert.match(broken.diagnostics[0]!.message as string, /could not load the configuration .*broken[/\\]eslint\.config\.mjs for .*a\.ts/);
      const missing = await openAndWait(server, workspace.uri('missing/a.ts'), HAZARD);
      assert.equal(missing.diagnostics.length, 1);
      assert.match(missing.diagnostics[0]!.message as string, /eslint-plugin-does-not-exist/);
      const fine = await openAndWait(server, workspace.uri('fine/a.ts'), HAZARD);
      assert.equal(fine.diagnostics.length, 2);
      // Reported once to the user even though a second file hits the same broken config.
      await openAndWait(server, workspace.uri('broken/b.ts'), HAZARD);
      assert.equal(server.shown.filter((m) => m.includes('broken')).length, 2, `one per file: ${server.shown.join('\n')}`);
      await changeAndWait(server, workspace.uri('broken/a.ts'), `${HAZARD}\n`, 2);
      assert.equal(server.shown.filter((m) => m.includes('broken')).length, 2, 'a re-lint does not repeat the message');
      assert.deepEqual(server.logs.filter((line) => /unhandled/i.test(line)), [], 'telling the user must not depend on the client answering a request');
    } finally {
      assert.equal(await server.stop(), 0);
      workspace.cleanup();
    }
  });

  it('in an untrusted workspace (initializationOptions.workspaceTrusted: false) runs no workspace code', async () => {
    const workspace = tempWorkspace({ 'eslint.config.mjs': demoConfig() });
    const server = await startInitialized({ root: workspace.root, initializationOptions: { workspaceTrusted: false } });
    try {
      const { diagnostics } = await openAndWait(server, workspace.uri('a.ts'), `let a = 1;\nexport { a };\n${HAZARD}const EXIT = 1;\n`);
      assert.deepEqual(diagnostics.map((d) => d.code), ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout'], 'the embedded config, not the demo plugin');
    } finally {
      assert.equal(await server.stop(), 0);
      workspace.cleanup();
    }
  });

  it('re-lints open documents when eslint.config.* changes (workspace/didChangeWatchedFiles)', async () => {
    const workspace = tempWorkspace({ 'a.ts': HAZARD });
    const server = await startInitialized({ root: workspace.root });
    try {
      const uri = workspace.uri('a.ts');
      const first = await openAndWait(server, uri, HAZARD);
      assert.deepEqual(first.diagnostics.map((d) => d.severity), [1, 1]);
      fs.writeFileSync(
        workspace.file('eslint.config.mjs'),
        `import cancelSafe from '${PLUGIN_URL}';\nimport parser from '${PARSER_URL}';\nexport default [{ files: ['**/*.ts'], languageOptions: { parser } }, cancelSafe.configs.recommended, { rules: { 'cancel-safe/no-leaky-timeout': 'warn' } }];\n`,
      );
      const republished = nextNotification<PublishDiagnosticsParams>(server, 'textDocument/publishDiagnostics', (p) => p.uri === uri);
      await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: workspace.uri('eslint.config.mjs'), type: 1 }] });
      assert.deepEqual((await republished).diagnostics.map((d) => d.severity), [2, 2]);
    } finally {
      assert.equal(await server.stop(), 0);
      workspace.cleanup();
    }
  });
});

describe('language server: workspace folders', function () {
  this.timeout(30_000);

  it('a client without workspace folder support gets the first status and no failed handler', async () => {
    const server = await startInitialized();
    try {
      await nextNotification(server, 'cancelSafe/status', () => true).catch(() => undefined);
      assert.ok(server.statuses.length >= 1, 'the status sent at initialized');
      assert.deepEqual(server.logs.filter((line) => /failed/i.test(line)), []);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('a folder added later (workspace/didChangeWorkspaceFolders) is where its files resolve ESLint from', async () => {
    const first = tempWorkspace({ 'a.ts': 'export const a = 1;\n' });
    const added = tempWorkspace({ 'sub/b.ts': 'export const b = 1;\n' });
    const server = startServer();
    try {
      await server.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(first.root).href,
        workspaceFolders: [{ uri: pathToFileURL(first.root).href, name: 'first' }],
        capabilities: { ...capabilities('push'), workspace: { ...capabilities('push').workspace, workspaceFolders: true } },
      });
      await server.connection.sendNotification('initialized', {});
      await server.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(added.root).href, name: 'added' }], removed: [] } });
      await openAndWait(server, added.uri('sub/b.ts'), 'export const b = 1;\n');
      assert.ok(server.logs.some((line) => line.includes(`No ESLint installed in ${added.root};`)), server.logs.join('\n'));
      assert.deepEqual(server.logs.filter((line) => /failed/i.test(line)), []);
    } finally {
      assert.equal(await server.stop(), 0);
      first.cleanup();
      added.cleanup();
    }
  });
});

describe('language server: a misbehaving plugin cannot take it down', function () {
  this.timeout(60_000);
  const workspace = tempWorkspace({ 'eslint.config.mjs': demoConfig() });
  let server: ServerUnderTest;
  before(async () => {
    server = await startInitialized({ root: workspace.root });
  });
  after(async () => {
    assert.equal(await server.stop(), 0, server.stderr());
    assert.doesNotMatch(server.stderr(), /Unhandled|uncaught/i);
    workspace.cleanup();
  });

  it('a rule that throws: one diagnostic naming the file and the error; other files keep working', async () => {
    const { diagnostics } = await openAndWait(server, workspace.uri('throws.ts'), 'const THROW = 1;\n');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message as string, /ESLint failed while linting .*throws\.ts: .*throw-demo exploded/s);
    const ok = await openAndWait(server, workspace.uri('ok.ts'), 'let a = 1;\nexport { a };\n');
    assert.deepEqual(ok.diagnostics.map((d) => d.code), ['cancel-safe/let-demo']);
  });

  it('a rule that calls process.exit() ends the lint worker only: reported, replaced, serving', async () => {
    const { diagnostics } = await openAndWait(server, workspace.uri('exits.ts'), 'const EXIT = 1;\n');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message as string, /lint worker stopped while linting .*exits\.ts \(exit code 3/);
    const ok = await openAndWait(server, workspace.uri('after-exit.ts'), 'let a = 1;\nexport { a };\n');
    assert.deepEqual(ok.diagnostics.map((d) => d.code), ['cancel-safe/let-demo']);
    await sleep(20);
    assert.ok((server.statuses.at(-1) as { workerRestarts: number }).workerRestarts >= 1);
  });

  it('a stale slow lint is abandoned when a newer edit arrives; its result is never published', async () => {
    const uri = workspace.uri('slow.ts');
    const versions: number[] = [];
    server.on('textDocument/publishDiagnostics', (p: { uri: string; version: number }) => {
      if (p.uri === uri) versions.push(p.version);
    });
    const restartsBefore = (server.statuses.at(-1) as { workerRestarts: number } | undefined)?.workerRestarts ?? 0;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: 'const SLOW = 1;\n' } });
    // Wait until the slow rule is running (it marks its start on disk).
    for (let waited = 0; !fs.existsSync(workspace.file('slow.ts.started')); waited += 20) {
      assert.ok(waited < 30_000, 'the slow lint never started');
      await sleep(20);
    }
    const second = await changeAndWait(server, uri, 'let fast = 1;\nexport { fast };\n', 2);
    assert.deepEqual(second.diagnostics.map((d: Diagnostic) => d.code), ['cancel-safe/let-demo']);
    await sleep(50);
    assert.deepEqual(versions, [2], 'version 1 was never published');
    assert.ok((server.statuses.at(-1) as { workerRestarts: number }).workerRestarts > restartsBefore, 'the busy worker was terminated rather than awaited');
  });
});

describe('language server: workspace diagnostics (opt-in, pull clients)', function () {
  this.timeout(60_000);
  const files: Record<string, string> = { 'node_modules/dep/index.js': HAZARD };
  for (let i = 0; i < 30; i++) files[`src/f${String(i).padStart(2, '0')}.ts`] = i % 3 === 0 ? HAZARD : `export const x${i} = ${i};\n`;
  const workspace = tempWorkspace(files);
  let server: ServerUnderTest;
  before(async () => {
    server = await startInitialized({ mode: 'pull', root: workspace.root, settings: { workspaceDiagnostics: true } });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
    workspace.cleanup();
  });

  it('streams every file through $/progress partial results, then answers "unchanged" for known result ids', async () => {
    const partial: { uri: string; kind: string; resultId: string; items?: Diagnostic[] }[] = [];
    const progress = server.on('$/progress', (params: { token: string; value: { items: typeof partial } }) => {
      if (params.token === 'ws-1') partial.push(...params.value.items);
    });
    const final = (await server.connection.sendRequest('workspace/diagnostic', { previousResultIds: [], partialResultToken: 'ws-1' })) as { items: unknown[] };
    progress.dispose();
    assert.deepEqual(final.items, []);
    assert.equal(partial.length, 30, 'node_modules is skipped');
    assert.equal(partial.filter((report) => report.items!.length === 2).length, 10);
    const again = (await server.connection.sendRequest('workspace/diagnostic', { previousResultIds: partial.map(({ uri, resultId }) => ({ uri, value: resultId })) })) as { items: { kind: string }[] };
    assert.equal(again.items.length, 30);
    assert.ok(again.items.every((report) => report.kind === 'unchanged'));
  });

  it('is cancellable with $/cancelRequest', async () => {
    const { CancellationTokenSource } = await import('vscode-jsonrpc');
    const source = new CancellationTokenSource();
    const request = server.connection.sendRequest('workspace/diagnostic', { previousResultIds: [], partialResultToken: 'ws-2' }, source.token);
    setTimeout(() => source.cancel(), 20);
    await assert.rejects(request, (error: { code?: number }) => error.code === -32800);
    // Still serving.
    const uri = pathToFileURL(workspace.file('src/f00.ts')).href;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: HAZARD } });
    const report = (await server.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] };
    assert.equal(report.items.length, 2);
  });

  it('reports nothing unless the setting opts in', async () => {
    server.settings = {};
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const report = (await server.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: unknown[] };
    assert.deepEqual(report.items, []);
  });
});
