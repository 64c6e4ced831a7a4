import * as assert from 'node:assert/strict';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol';
import { applyEdit, openAndWait, startInitialized, tempWorkspace, type ServerUnderTest } from './lsp-client';
import { demoConfig, HAZARD } from './fixtures';

describe('language server: code actions', () => {
  const workspace = tempWorkspace({ 'eslint.config.mjs': demoConfig() });
  let server: ServerUnderTest;
  const applied: unknown[] = [];
  before(async () => {
    server = await startInitialized({ mode: 'push', root: workspace.root });
    server.connection.onRequest('workspace/applyEdit', (params: unknown) => {
      applied.push(params);
      return { applied: true };
    });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
    workspace.cleanup();
  });

  async function actionsAt(uri: string, line: number, only?: string[]): Promise<CodeAction[]> {
    return (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [], ...(only ? { only } : {}) },
    })) as CodeAction[];
  }
  const byTitle = (actions: readonly CodeAction[], title: string): CodeAction => {
    const action = actions.find((a) => a.title === title);
    assert.ok(action, `no "${title}" among: ${actions.map((a) => a.title).join(' | ')}`);
    return action;
  };

  it('offers the fix (preferred), fix all of the rule, disable line/file and show documentation, in that order', async () => {
    const uri = workspace.uri('lets.ts');
    const text = 'let a = 1;\nlet b = 2;\nexport { a, b };\n';
    const { diagnostics } = await openAndWait(server, uri, text);
    assert.equal(diagnostics.filter((d) => d.code === 'cancel-safe/let-demo').length, 2);
    const actions = await actionsAt(uri, 0);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Fix this cancel-safe/let-demo problem',
        'Fix all cancel-safe/let-demo problems',
        'Disable cancel-safe/let-demo for this line',
        'Disable cancel-safe/let-demo for the entire file',
        'Show documentation for cancel-safe/let-demo',
      ],
    );
    const fix = actions[0]!;
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.kind, 'quickfix');
    assert.equal((fix.edit!.documentChanges![0] as { textDocument: { version: number } }).textDocument.version, 1, 'edits are checked against the linted version');
    assert.equal(applyEdit(text, uri, fix.edit!), 'const a = 1;\nlet b = 2;\nexport { a, b };\n');
    assert.equal(applyEdit(text, uri, actions[1]!.edit!), 'const a = 1;\nconst b = 2;\nexport { a, b };\n');
    assert.equal(applyEdit(text, uri, actions[2]!.edit!), '// eslint-disable-next-line cancel-safe/let-demo\nlet a = 1;\nlet b = 2;\nexport { a, b };\n');
    assert.equal(applyEdit(text, uri, actions[3]!.edit!), '/* eslint-disable cancel-safe/let-demo */\nlet a = 1;\nlet b = 2;\nexport { a, b };\n');
  });

  it('merges "disable" into an existing eslint-disable comment', async () => {
    const uri = workspace.uri('merge.ts');
    const text = '/* eslint-disable no-console */\nfunction f() {\n  // eslint-disable-next-line no-var -- legacy\n  let x = 1;\n  return x;\n}\nexport { f };\n';
    await openAndWait(server, uri, text);
    const actions = await actionsAt(uri, 3);
    const line = applyEdit(text, uri, byTitle(actions, 'Disable cancel-safe/let-demo for this line').edit!);
    assert.equal(line.split('\n')[2], '  // eslint-disable-next-line no-var, cancel-safe/let-demo -- legacy');
    const file = applyEdit(text, uri, byTitle(actions, 'Disable cancel-safe/let-demo for the entire file').edit!);
    assert.equal(file.split('\n')[0], '/* eslint-disable no-console, cancel-safe/let-demo */');
    assert.equal(file.split('\n').length, text.split('\n').length, 'merged, not a second comment');
  });

  it('offers each suggestion as a quick fix whose edit is the rule\'s own (no-leaky-timeout → timeout())', async () => {
    const uri = workspace.uri('suggest.ts');
    await openAndWait(server, uri, HAZARD);
    const actions = await actionsAt(uri, 0);
    const useTimeout = actions.find((a) => a.title.startsWith('Use `timeout()`') && a.title.endsWith('(cancel-safe/no-leaky-timeout)'));
    assert.ok(useTimeout, actions.map((a) => a.title).join(' | '));
    assert.notEqual(useTimeout.isPreferred, true, 'suggestions change behaviour: never preferred');
    assert.equal(applyEdit(HAZARD, uri, useTimeout.edit!), `import { timeout } from 'cancel-safe';\nawait timeout(1000, (signal) => fetch(url, { signal }));\n`);
  });

  it('source.fixAll.cancel-safe applies every fix and no suggestion', async () => {
    const uri = workspace.uri('fixall.ts');
    const text = `let a = 1;\n${HAZARD}let b = 2;\nexport { a, b };\n`;
    await openAndWait(server, uri, text);
    const actions = await actionsAt(uri, 0, ['source.fixAll']);
    assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.cancel-safe']);
    assert.equal(applyEdit(text, uri, actions[0]!.edit!), `const a = 1;\n${HAZARD}const b = 2;\nexport { a, b };\n`);
    const none = await actionsAt(uri, 0, ['refactor']);
    assert.deepEqual(none, []);
  });

  it('the fix-all command sends the fixes through workspace/applyEdit', async () => {
    const uri = workspace.uri('command.ts');
    const text = 'let a = 1;\nlet b = 2;\nexport { a, b };\n';
    await openAndWait(server, uri, text);
    applied.length = 0;
    await server.connection.sendRequest('workspace/executeCommand', { command: 'cancelSafe.fixAll', arguments: [{ uri, version: 1 }] });
    assert.equal(applied.length, 1);
    assert.equal(applyEdit(text, uri, (applied[0] as { edit: never }).edit), 'const a = 1;\nconst b = 2;\nexport { a, b };\n');
    await assert.rejects(server.connection.sendRequest('workspace/executeCommand', { command: 'cancelSafe.fixAll', arguments: [] }), /expects \[\{ uri: string/);
  });

  it('"Show documentation" opens the rule docs through window/showDocument', async () => {
    const uri = workspace.uri('docs.ts');
    await openAndWait(server, uri, 'let a = 1;\nexport { a };\n');
    const show = byTitle(await actionsAt(uri, 0), 'Show documentation for cancel-safe/let-demo');
    const command = show.command as Command;
    await server.connection.sendRequest('workspace/executeCommand', { command: command.command, arguments: command.arguments });
    assert.deepEqual(server.shownDocuments.at(-1), { uri: 'https://example.com/demo/let-demo', external: true });
  });

  it('turns secondary locations recorded by a rule into relatedInformation', async () => {
    const uri = workspace.uri('related.ts');
    const { diagnostics } = await openAndWait(server, uri, 'declare function race(a: unknown, b: unknown): void;\nrace(1,\n  2);\n');
    const related = diagnostics.find((d: Diagnostic) => d.code === 'cancel-safe/related-demo');
    assert.ok(related, JSON.stringify(diagnostics));
    assert.deepEqual(related.relatedInformation, [
      { location: { uri, range: { start: { line: 2, character: 2 }, end: { line: 2, character: 3 } } }, message: 'The loser is created here.' },
    ]);
  });

  it('offers no edits for a version that was not linted', async () => {
    const uri = workspace.uri('stale.ts');
    await openAndWait(server, uri, 'let a = 1;\nexport { a };\n');
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'const a = 1;\nlet b = 2;\nexport { a, b };\n' }] });
    const actions = await actionsAt(uri, 1);
    for (const action of actions.filter((a) => a.edit)) {
      assert.equal((action.edit!.documentChanges![0] as { textDocument: { version: number } }).textDocument.version, 2);
    }
    assert.equal(actions[0]?.title, 'Fix this cancel-safe/let-demo problem');
  });
});
