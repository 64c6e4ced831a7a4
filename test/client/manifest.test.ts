import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, FIX_ALL_CODE_ACTION_KIND } from '../../server/src/shared/protocol';

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, { default: unknown; markdownDescription?: string; description?: string; enum?: unknown[]; enumDescriptions?: unknown[] }> };
    commands: { command: string; title: string; category: string }[];
    codeActions: { actions: { kind: string }[] }[];
  };
}

const clientDir = path.join(__dirname, '..', '..', 'client');
const manifest = JSON.parse(readFileSync(path.join(clientDir, 'package.json'), 'utf8')) as Manifest;
const source = readFileSync(path.join(clientDir, 'src', 'extension.ts'), 'utf8');

/** `{ trace: { server: 'off' } }` → `{ 'cancelSafe.trace.server': 'off' }`, as VS Code names settings. */
function flatten(value: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, child]) =>
      child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length > 0
        ? Object.entries(flatten(child as Record<string, unknown>, `${prefix}${key}.`))
        : [[`${prefix}${key}`, child]],
    ),
  );
}

describe('client manifest (client/package.json)', () => {
  it('is cancel-safe.cancel-safe for VS Code ^1.91.0 with the bundled entry point', () => {
    assert.equal(`${manifest.publisher}.${manifest.name}`, 'cancel-safe.cancel-safe');
    assert.equal(manifest.engines.vscode, '^1.91.0');
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('contributes exactly the settings of the protocol, with the protocol defaults', () => {
    const contributed = Object.fromEntries(Object.entries(manifest.contributes.configuration.properties).map(([key, schema]) => [key, schema.default]));
    assert.deepEqual(contributed, flatten(DEFAULT_SETTINGS as unknown as Record<string, unknown>, 'cancelSafe.'));
  });

  it('describes every setting and every enum value (the Settings UI shows them)', () => {
    for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.ok((schema.markdownDescription ?? schema.description ?? '').length > 20, `${key} needs a description`);
      if (schema.enum) assert.equal(schema.enumDescriptions?.length, schema.enum.length, `${key} needs one description per enum value`);
    }
  });

  it('activates on the four JavaScript/TypeScript languages and on an eslint.config.* in the workspace', () => {
    assert.deepEqual(manifest.activationEvents, [
      'onLanguage:javascript',
      'onLanguage:javascriptreact',
      'onLanguage:typescript',
      'onLanguage:typescriptreact',
      'workspaceContains:**/eslint.config.{js,mjs,cjs,ts,mts,cts}',
    ]);
  });

  it('registers every contributed command in extension.ts, in the Cancel Safe category', () => {
    assert.deepEqual(
      manifest.contributes.commands.map(({ command, title }) => [command, title]),
      [
        ['cancelSafe.executeAutofix', 'Fix all auto-fixable problems'],
        ['cancelSafe.restart', 'Restart server'],
        ['cancelSafe.revalidate', 'Revalidate all open files'],
        ['cancelSafe.showOutput', 'Show output'],
      ],
    );
    for (const { command, category } of manifest.contributes.commands) {
      assert.equal(category, 'Cancel Safe');
      assert.ok(source.includes(`registerCommand('${command}'`), `extension.ts registers ${command}`);
    }
  });

  it("documents the server's fix-all code action kind for editor.codeActionsOnSave", () => {
    assert.deepEqual(
      manifest.contributes.codeActions.flatMap(({ actions }) => actions.map(({ kind }) => kind)),
      [FIX_ALL_CODE_ACTION_KIND],
    );
  });
});
