import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, PublishDiagnosticsParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { nextNotification, startServer, type ServerUnderTest } from './lsp-client';

const HAZARD = `await Promise.race([fetch(url), new Promise((_, reject) => setTimeout(() => reject(new Error('t')), 1000))]);\n`;

describe('language server over stdio', () => {
  let server: ServerUnderTest;
  const uri = pathToFileURL(path.join(__dirname, 'virtual', 'hazard.ts')).href;

  before(async () => {
    server = startServer();
    await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await server.connection.sendNotification('initialized', {});
  });

  after(async () => {
    const code = await server.stop();
    assert.equal(code, 0, `server exited with ${code}; stderr: ${server.stderr()}`);
  });

  it('publishes no-leaky-timeout diagnostics with rule id and docs link for an open document', async () => {
    const published = nextNotification<PublishDiagnosticsParams>(server.connection, 'textDocument/publishDiagnostics', (p) => p.uri === uri);
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'typescript', version: 1, text: HAZARD },
    });
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['cancel-safe/no-leaky-timeout', 'cancel-safe/no-leaky-timeout'],
    );
    for (const diagnostic of diagnostics) {
      assert.equal(diagnostic.source, 'cancel-safe');
      assert.match(diagnostic.codeDescription!.href, /rules\/docs\/rules\/no-leaky-timeout\.md$/);
    }
  });

  it('offers the timeout() suggestion as a quick fix whose edit removes the hazard', async () => {
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const useTimeout = actions.find((action) => action.title.startsWith('Use `timeout()`'));
    assert.ok(useTimeout, `titles: ${actions.map((a) => a.title).join(' | ')}`);
    const change = useTimeout.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.version, 1);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, HAZARD), change.edits as TextEdit[]);
    assert.equal(fixed, `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => fetch(url, { signal }));\n`);
  });
});
