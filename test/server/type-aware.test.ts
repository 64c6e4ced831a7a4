import * as assert from 'node:assert/strict';
import { changeAndWait, openAndWait, startInitialized, tempWorkspace } from './lsp-client';

const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'node16', lib: ['ES2023', 'DOM'], noEmit: true, skipLibCheck: true }, include: ['src'] });

/** `reader.read()` raced against a timer: a consuming read without types, a plain method with them unless `reader` is a stream reader. */
const race = (reader: string) => `${reader}
export async function next(): Promise<unknown> {
  return Promise.race([reader.read(), new Promise((resolve) => setTimeout(resolve, 10, 'tick'))]);
}
`;
const STORE = race(`class Store {
  read(): Promise<number> {
    return Promise.resolve(1);
  }
}
const reader = new Store();`);
const STREAM = race(`class Store {
  read(): Promise<number> {
    return Promise.resolve(1);
  }
}
const reader = new ReadableStream<number>().getReader();`);

const unsafeRaces = (diagnostics: readonly { code?: unknown }[]) => diagnostics.filter((d) => d.code === 'cancel-safe/no-unsafe-race').length;

describe('language server: type-aware linting (cancelSafe.typeAware)', function () {
  this.timeout(60_000);

  it('uses the workspace tsconfig: types decide, and edits are linted with the types of the new text', async () => {
    const workspace = tempWorkspace({ 'tsconfig.json': TSCONFIG, 'src/other.ts': 'export const other = 1;\n', 'src/next.ts': STORE });
    const syntactic = await startInitialized({ root: workspace.root });
    const typed = await startInitialized({ root: workspace.root, settings: { typeAware: true, trace: { server: 'verbose' } } });
    try {
      const uri = workspace.uri('src/next.ts');
      // Without types any `reader.read()` is a consuming read; with them only a stream reader's is.
      assert.equal(unsafeRaces((await openAndWait(syntactic, uri, STORE)).diagnostics), 1);
      assert.equal(unsafeRaces((await openAndWait(typed, uri, STORE)).diagnostics), 0);
      // An edit that changes only the type of `reader`: the program and the lint see the new text.
      assert.equal(unsafeRaces((await changeAndWait(typed, uri, STREAM, 2)).diagnostics), 1);
      assert.equal(unsafeRaces((await changeAndWait(typed, uri, `\n${STREAM}`, 3)).diagnostics), 1);
      // Only the statements around an edit are parsed again; the program gives the types.
      assert.match(typed.logs.filter((line) => line.includes(' v2 ')).join('\n'), /re-parsed \d+ of \d+ characters/, typed.logs.join('\n'));
      assert.equal(unsafeRaces((await changeAndWait(typed, uri, `\n${STORE}`, 4)).diagnostics), 0);
      // A syntax error is a diagnostic at its place, and the file recovers on the next edit.
      const brokenText = `\n${STORE}const = ;\n`;
      const broken = await changeAndWait(typed, uri, brokenText, 5);
      assert.deepEqual(
        broken.diagnostics.map((d) => [d.code, d.range.start.line]),
        [[undefined, brokenText.split('\n').indexOf('const = ;')]],
      );
      assert.match(String(broken.diagnostics[0]!.message), /Parsing error/);
      assert.equal(unsafeRaces((await changeAndWait(typed, uri, STREAM, 6)).diagnostics), 1);
      // A file no project includes (not saved yet, so the tsconfig's include cannot list it) gets
      // typescript-eslint's own error as its diagnostic; other files keep their types.
      const unsaved = await openAndWait(typed, workspace.uri('src/unsaved.ts'), STORE);
      assert.match(unsaved.diagnostics.map((d) => d.message).join('\n'), /was not found by the project service/);
      assert.equal(unsafeRaces((await changeAndWait(typed, uri, `\n\n${STREAM}`, 7)).diagnostics), 1);
      assert.deepEqual(typed.logs.filter((line) => /fail|unhandled/i.test(line)), []);
    } finally {
      assert.equal(await syntactic.stop(), 0);
      assert.equal(await typed.stop(), 0);
      workspace.cleanup();
    }
  });
});
