import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { capabilities, openAndWait, sleep, startInitialized, startServer, tempWorkspace } from './lsp-client';
import { demoConfig, HAZARD } from './fixtures';

const uri = pathToFileURL(path.join(os.tmpdir(), 'cancel-safe-virtual', 'lifecycle.ts')).href;

describe('language server: lifecycle and bad input', function () {
  this.timeout(30_000);

  it('shutdown then exit ends the process with code 0', async () => {
    const server = await startInitialized();
    await openAndWait(server, uri, HAZARD);
    assert.equal(await server.stop(), 0);
  });

  it('shutdown while a slow lint is in flight stops it and exits 0', async () => {
    const workspace = tempWorkspace({ 'eslint.config.mjs': demoConfig() });
    const server = await startInitialized({ root: workspace.root });
    try {
      await openAndWait(server, workspace.uri('warm.ts'), 'export const warm = 1;\n');
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: workspace.uri('slow.ts'), languageId: 'typescript', version: 1, text: 'const SLOW = 1;\n' } });
      await sleep(200);
      assert.equal(await server.stop(), 0);
    } finally {
      workspace.cleanup();
    }
  });

  it('exit without shutdown ends the process with code 1 (LSP spec)', async () => {
    const server = await startInitialized();
    await server.connection.sendNotification('exit');
    assert.equal(await server.exited, 1);
    server.connection.dispose();
  });

  it('ends when the parent process named in initialize dies (processId watchdog)', async () => {
    const parent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const server = startServer();
    await server.connection.sendRequest('initialize', { processId: parent.pid, rootUri: null, capabilities: capabilities('push') });
    await server.connection.sendNotification('initialized', {});
    parent.kill();
    assert.equal(await server.exited, 1, 'no shutdown was received');
    server.connection.dispose();
  });

  it('answers unknown requests with MethodNotFound, ignores unknown notifications and malformed params, and keeps serving', async () => {
    const server = await startInitialized();
    await assert.rejects(server.connection.sendRequest('cancelSafe/doesNotExist', {}), (error: { code?: number }) => error.code === -32601);
    await server.connection.sendNotification('cancelSafe/whatever', { x: 1 });
    await server.connection.sendNotification('$/unknownNotification', {});
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///not/open.ts', version: 3 }, contentChanges: [{ text: 'x' }] });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: null });
    await assert.rejects(server.connection.sendRequest('textDocument/codeAction', { textDocument: null }));
    await assert.rejects(server.connection.sendRequest('workspace/executeCommand', { command: 'cancelSafe.nope' }), /Unknown command "cancelSafe\.nope"/);
    await assert.rejects(server.connection.sendRequest('workspace/executeCommand', { command: 'cancelSafe.showDocumentation', arguments: ['javascript:alert(1)'] }), /http\(s\) URL/);
    const { diagnostics } = await openAndWait(server, uri, HAZARD);
    assert.equal(diagnostics.length, 2);
    assert.equal(await server.stop(), 0);
    assert.doesNotMatch(server.stderr(), /Unhandled|uncaught|TypeError/i);
  });

  it('lints with the defaults when the client fails workspace/configuration', async () => {
    const server = startServer();
    server.connection.onRequest('workspace/configuration', () => {
      throw new Error('this client has no settings');
    });
    await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: capabilities('push') });
    await server.connection.sendNotification('initialized', {});
    const { diagnostics } = await openAndWait(server, uri, HAZARD);
    assert.equal(diagnostics.length, 2);
    assert.ok(server.logs.some((line) => /Could not read the `cancelSafe` settings/.test(line)), server.logs.join('\n'));
    assert.equal(await server.stop(), 0);
  });

  it('survives a client that disappears mid-lint without an unhandled rejection', async () => {
    const server = await startInitialized();
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: HAZARD.repeat(300) } });
    server.process.stdin!.end();
    assert.equal(await server.exited, 1);
    assert.doesNotMatch(server.stderr(), /Unhandled|uncaught/i);
    server.connection.dispose();
  });

  it('keeps memory bounded with 1,000 open documents and lints them all', async function () {
    this.timeout(120_000);
    const server = await startInitialized();
    const seen = new Set<string>();
    const all = new Promise<void>((resolve) => {
      server.on('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
        if (p.diagnostics.length === 2) seen.add(p.uri);
        if (seen.size === 1000) resolve();
      });
    });
    for (let i = 0; i < 1000; i++) {
      const doc = pathToFileURL(path.join(os.tmpdir(), 'cancel-safe-virtual', `many-${i}.ts`)).href;
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc, languageId: 'typescript', version: 1, text: `${HAZARD}export const n${i} = ${i};\n` } });
    }
    await all;
    const rss = Number(/VmRSS:\s+(\d+)/.exec(require('node:fs').readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    // A generous bound (the benchmark reports the real figure): it catches unbounded growth, not noise.
    assert.ok(rss < 600, `server RSS with 1,000 open documents is ${rss.toFixed(0)} MB`);
    assert.equal(await server.stop(), 0);
  });
});
