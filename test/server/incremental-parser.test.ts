import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import fc from 'fast-check';
import plugin = require('eslint-plugin-cancel-safe');
import { createZeroConfig, LINTED_FILES } from 'eslint-plugin-cancel-safe/cli';
import { changedRange, createIncrementalParser, endOf, isHardTerminated } from '../../server/src/eslint/incremental-parser';
import { REPO } from './lsp-client';
import { plain, scopesOf, type ParserOptions as Options } from './parser-comparison';

const optionsFor = (filePath: string): Options => ({ filePath, ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } });

type Outcome = { ok: true; ast: unknown; scopes: string[] } | { ok: false; message: string };

function outcomeOf(parse: () => ReturnType<typeof tsParser.parseForESLint>): Outcome {
  try {
    const result = parse();
    return { ok: true, ast: plain(result.ast), scopes: scopesOf(result) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Real sources of different styles: our rules and CLI (semicolons), examples, and a semicolon-free, JSX, decorator and directive mix. */
const CORPUS: { name: string; text: string }[] = [
  ...['rules/src/util/race.ts', 'rules/src/cli/format.ts', 'rules/src/rules/no-race-leak.ts', 'server/src/queue.ts', 'runtime/src/channel.ts', 'examples/races.ts']
    .filter((relative) => fs.existsSync(path.join(REPO, relative)))
    .map((relative) => ({ name: relative, text: fs.readFileSync(path.join(REPO, relative), 'utf8') })),
  {
    name: 'no-semicolons.tsx',
    text: [
      `'use strict'`,
      `import { a } from './a'`,
      `const x = a`,
      `;(function () {})()`,
      `let y = function () {}`,
      `[1, 2].forEach(console.log)`,
      `export function f () {`,
      `  const v = <div>{x}</div>`,
      '  return `t${y}`',
      `}`,
      `@decorate`,
      `class C { m () { return 1 } }`,
      `if (x) y()`,
      `else { y() }`,
      `/* comment */`,
      `do { x++ } while (x < 3)`,
      `label: for (;;) { break label }`,
      `export default { a: 1 }`,
      '',
    ].join('\r\n'),
  },
];

/** Edits an editor makes: typing, deleting, pasting a piece of the file, and characters that change how the rest lexes. */
const TYPED = [' ', '\n', '\t', ';', '}', '{', '(', ')', '`', '/*', '*/', '//', "'", '"', 'x', 'await ', 'async ', '<T>', '\n(foo)\n', '"use strict";\n', '@dec ', 'function g() {}\n', '\r\n', '\u2028', 'é', '😀'];

function editArbitrary(textLength: number) {
  const position = fc.integer({ min: 0, max: textLength });
  return fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.constantFrom(...TYPED) }),
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 80 }) }),
    fc.record({ kind: fc.constant('paste' as const), at: position, from: position, length: fc.integer({ min: 0, max: 60 }) }),
  );
}

function apply(text: string, edit: { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'paste'; at: number; from: number; length: number }): string {
  const at = Math.min(edit.at, text.length);
  switch (edit.kind) {
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.length);
    case 'paste':
      return text.slice(0, at) + text.slice(edit.from, edit.from + edit.length) + text.slice(at);
  }
}

describe('incremental parser (language server, embedded config)', () => {
  it('returns exactly what @typescript-eslint/parser returns, after any sequence of edits (property test over real files)', function () {
    this.timeout(300_000);
    let incremental = 0;
    for (const { name, text: original } of CORPUS) {
      const filePath = path.join('/virtual', name);
      fc.assert(
        fc.property(fc.array(editArbitrary(original.length), { minLength: 1, maxLength: 12 }), (edits) => {
          const parser = createIncrementalParser();
          let text = original;
          parser.parseForESLint(text, optionsFor(filePath));
          for (const edit of edits) {
            const edited = apply(text, edit);
            const expected = outcomeOf(() => tsParser.parseForESLint(edited, { ...optionsFor(filePath), preserveNodeMaps: false }));
            const actual = outcomeOf(() => parser.parseForESLint(edited, optionsFor(filePath)));
            assert.deepEqual(actual, expected, `${name} after ${JSON.stringify(edit)}`);
            // Like a user who fixes a syntax error before typing on, keep editing from the text that parsed.
            if (expected.ok) text = edited;
          }
          incremental += parser.stats.incremental;
        }),
        { numRuns: 40, seed: 20261124 },
      );
    }
    // The property holds trivially if every parse fell back: most edits must have been incremental.
    assert.ok(incremental > 200, `only ${incremental} incremental parses`);
  });

  it('matches full parses where a window could be read differently in place (cases from review)', () => {
    const cases: { name: string; before: string; after: string; file?: string; sourceType?: 'script' }[] = [
      { name: 'a line comment at the window end swallows the next statement', before: 'a; b;', after: 'a;// b;' },
      { name: 'a line comment swallows part of the next statement (then the file does not parse)', before: 'a; f(1,\n2);', after: 'a;// f(1,\n2);' },
      { name: 'a #! line swallows the next statement', before: 'try {} catch {}@dec export class EK {}\nfunction ov(): void;\r', after: '#!/bin/sh try {} catch {}@dec export class EK {}\nfunction ov(): void;\r' },
      { name: 'a string statement after the window joins the directive prologue', before: 'a;\n"use strict";\nb;', after: '\n"use strict";\nb;' },
      { name: 'a string statement after the window becomes a directive', before: '"use strict";\nx;\n"b";', after: '"use strict";\n\n"b";' },
      { name: 'a statement before a directive takes its status away', before: '/*c*/\n"use strict"; b;', after: '/*c*/a;\n"use strict"; b;' },
      { name: 'script: an import elsewhere makes `await` a keyword', before: 'import a from "a";\nb;\n', after: 'import a from "a";\nawait (b);\n', file: 'a.cjs', sourceType: 'script' },
      { name: 'script: `await = 1` is an error in a module', before: 'import a from "a";\nb = 1;', after: 'import a from "a";\nawait = 1;', file: 'a.cjs', sourceType: 'script' },
      { name: 'a stray token before a top-level await statement is an error', before: 'x;\nawait (p);', after: 'x;\n)await (p);' },
      { name: 'a stray token before a top-level await statement is an error (.js)', before: 'x;\nawait (p);', after: 'x;\n=>await (p);', file: 'a.js' },
      { name: 'a nested window ending in a line comment', before: 'function f() {\n  a; b;\n}\n', after: 'function f() {\n  a;// b;\n}\n' },
      { name: 'top-level await: TypeScript parses the statement twice (an error only a full parse sees)', before: 'x = b; f(\'s\');', after: 'x = await /}}\'/; f(\'s\');' },
      { name: 'top-level await in a block (nested window)', before: '{ b } f(\'s\');', after: '{ await /}}\'/ } f(\'s\');' },
      { name: 'top-level await in a sibling of a nested window', before: 'for (await /}/;;) {\n  b;\n}\nf(\'s\');\n', after: 'for (await /}/;;) {\n  /*}*/\n}\nf(\'s\');\n' },
      { name: 'a node type without visitor keys (`x: ?? T`) moves with its window', before: 'const a = 1;\nfunction g(listener: T): void {\n  b;\n}\n', after: 'const a = 1;\nfunction g(listener:?? T): void {\n  b;\n}\n' },
      { name: 'a nested window with an unclosed block comment', before: 'class A {\n  m() { a; }\n  n() { b; }\n}\n', after: 'class A {\n  m() { a; /* }\n  n() { b; }\n}\n' },
    ];
    for (const { name, before, after, file = 'a.ts', sourceType } of cases) {
      const options = { ...optionsFor(`/virtual/review/${file}`), ...(sourceType ? { sourceType } : {}) };
      const parser = createIncrementalParser();
      parser.parseForESLint(before, options);
      const expected = outcomeOf(() => tsParser.parseForESLint(after, { ...options, preserveNodeMaps: false }));
      assert.deepEqual(outcomeOf(() => parser.parseForESLint(after, options)), expected, name);
    }
  });

  it('keeps typescript-estree\'s deprecated aliases (copies, not children) in step with the nodes', () => {
    const parser = createIncrementalParser();
    const options = optionsFor('/virtual/aliases.ts');
    const tail = 'enum E { A }\ntype M = { [K in keyof T]: 1 };\ntype I = import("x");\n';
    // An edit inside an enum member's function: the enum's deprecated `members` copy must follow.
    const enumParser = createIncrementalParser();
    const enumText = 'enum F { A = (function () { let x = 1; return x })(), B = 2 }\n';
    enumParser.parseForESLint(enumText, options);
    const enumAst = enumParser.parseForESLint(enumText.replace('x = 1', 'x = 12'), options).ast as unknown as { body: { members: unknown }[] };
    const enumExpected = tsParser.parseForESLint(enumText.replace('x = 1', 'x = 12'), { ...options, suppressDeprecatedPropertyWarnings: true }).ast as unknown as { body: { members: unknown }[] };
    assert.deepEqual(plain(enumAst.body[0]!.members), plain(enumExpected.body[0]!.members));
    parser.parseForESLint(`a;\n${tail}`, options);
    type Loose = { body: { members: unknown; typeAnnotation: { typeParameter: unknown; argument: unknown } }[] };
    const ast = parser.parseForESLint(`aa;\n${tail}`, options).ast as unknown as Loose;
    assert.equal(parser.stats.incremental, 1);
    const expected = tsParser.parseForESLint(`aa;\n${tail}`, { ...options, suppressDeprecatedPropertyWarnings: true }).ast as unknown as Loose;
    assert.deepEqual(plain(ast.body[1]!.members), plain(expected.body[1]!.members));
    assert.deepEqual(plain(ast.body[2]!.typeAnnotation.typeParameter), plain(expected.body[2]!.typeAnnotation.typeParameter));
    assert.deepEqual(plain(ast.body[3]!.typeAnnotation.argument), plain(expected.body[3]!.typeAnnotation.argument));
  });

  it('re-parses only the statements around a typical edit, and falls back to a full parse when it must', () => {
    const parser = createIncrementalParser();
    const filePath = '/virtual/stats.ts';
    const units = Array.from({ length: 50 }, (_, index) => `export async function load${index}(url: string): Promise<unknown> {\n  const response = await fetch(url);\n  return response.json();\n}\n`);
    let text = units.join('\n');
    parser.parseForESLint(text, optionsFor(filePath));
    text = text.replace('load25(url: string)', 'load25(url: string, retries = 1)');
    parser.parseForESLint(text, optionsFor(filePath));
    assert.equal(parser.stats.incremental, 1);
    assert.ok(parser.stats.reparsedCharacters < text.length / 20, `re-parsed ${parser.stats.reparsedCharacters} of ${text.length} characters`);

    // Inside a method of a big class (one top-level statement): a statement or two of the method.
    const methods = Array.from({ length: 50 }, (_, index) => `  async load${index}(url: string): Promise<unknown> {\n    const response = await fetch(url);\n    return response.json();\n  }\n`);
    const classText = `export class Loader {\n${methods.join('\n')}}\n`;
    const classPath = '/virtual/class.ts';
    parser.parseForESLint(classText, optionsFor(classPath));
    const reparsedBefore = parser.stats.reparsedCharacters;
    parser.parseForESLint(classText.replace('const response = await fetch(url);\n    return response.json();\n  }\n\n  async load26', 'const response = await fetch(url, { signal });\n    return response.json();\n  }\n\n  async load26'), optionsFor(classPath));
    assert.equal(parser.stats.incremental, 2);
    assert.ok(parser.stats.reparsedCharacters - reparsedBefore < classText.length / 10, `re-parsed ${parser.stats.reparsedCharacters - reparsedBefore} of ${classText.length} characters`);

    // A syntax error is reported by the full parse (the same error as without the cache)...
    const broken = text.replace('const response = await fetch(url);', 'const response = await fetch(url;');
    assert.throws(() => parser.parseForESLint(broken, optionsFor(filePath)), /expected/);
    assert.equal(parser.stats.full['syntax-error'], 1);
    // ...and the next edit is still incremental, against the last text that parsed.
    parser.parseForESLint(`${text}\n`, optionsFor(filePath));
    assert.equal(parser.stats.incremental, 3);
    // An edit across most of the file is parsed in full.
    parser.parseForESLint(text.replaceAll('fetch(url)', 'fetch(new URL(url))'), optionsFor(filePath));
    assert.equal(parser.stats.full['too-large'], 1);
  });

  it('keeps the ASTs of a bounded number of files', () => {
    const parser = createIncrementalParser({ maxFiles: 2 });
    for (const name of ['a', 'b', 'c']) parser.parseForESLint('const a = 1;\n', optionsFor(`/virtual/${name}.ts`));
    parser.parseForESLint('const a = 2;\n', optionsFor('/virtual/a.ts'));
    assert.equal(parser.stats.full.first, 4, 'a.ts was evicted when c.ts came in');
    parser.parseForESLint('const a = 3;\n', optionsFor('/virtual/c.ts'));
    assert.equal(parser.stats.incremental, 1);
  });

  it('gives ESLint the same messages, fixes and suggestions as the stock parser over a sequence of edits', async () => {
    const parser = createIncrementalParser();
    const stock = new ESLint({ overrideConfigFile: true, overrideConfig: createZeroConfig(plugin as never) as Linter.Config[], cwd: '/' });
    const withParser = new ESLint({
      overrideConfigFile: true,
      overrideConfig: [...(createZeroConfig(plugin as never) as Linter.Config[]), { files: LINTED_FILES, languageOptions: { parser: parser as unknown as Linter.Parser } }],
      cwd: '/',
    });
    const examples = fs.readdirSync(path.join(REPO, 'examples')).filter((file) => /\.[cm]?[jt]s$/.test(file));
    assert.ok(examples.length >= 5);
    for (const example of examples) {
      const filePath = path.join('/virtual', example);
      let text = fs.readFileSync(path.join(REPO, 'examples', example), 'utf8');
      for (let step = 0; step < 6; step++) {
        const [expected] = await stock.lintText(text, { filePath });
        const [actual] = await withParser.lintText(text, { filePath });
        assert.deepEqual(actual!.messages, expected!.messages, `${example}, step ${step}`);
        // Move a line: every statement after it shifts, some change.
        const lines = text.split('\n');
        const at = Math.floor(((step + 1) * lines.length) / 8);
        lines.splice(at, 0, step % 2 ? '' : '  ');
        text = lines.join('\n');
      }
    }
    assert.ok(parser.stats.incremental > examples.length, `${parser.stats.incremental} incremental parses`);
  });

  describe('helpers', () => {
    it('changedRange finds the one range that differs', () => {
      assert.deepEqual(changedRange('abcdef', 'abXYef'), { start: 2, oldEnd: 4, newEnd: 4 });
      assert.deepEqual(changedRange('aaaa', 'aaaaa'), { start: 4, oldEnd: 4, newEnd: 5 });
      assert.deepEqual(changedRange('same', 'same'), { start: 4, oldEnd: 4, newEnd: 4 });
    });

    it('endOf counts line breaks as TypeScript does (CRLF once; CR, LF, U+2028, U+2029)', () => {
      assert.deepEqual(endOf('a\r\nb\rc\nd\u2028e\u2029fg', { line: 3, column: 5 }), { line: 8, column: 2 });
      assert.deepEqual(endOf('ab', { line: 3, column: 5 }), { line: 3, column: 7 });
    });

    it('isHardTerminated: only `;` and the `}` of a declaration or block end a statement for good', () => {
      const cases: [string, boolean][] = [
        ['const a = 1;', true],
        ['const a = 1', false],
        ['function f() {}', true],
        ['export default function () {}', true],
        ['export default {}', false],
        ['let f = function () {}', false],
        ['class A {}', true],
        ['if (a) {} else {}', true],
        ['if (a) b = function () {}', false],
        ['for (;;) {}', true],
        ['do {} while (a)', false],
        ['type A = {}', false],
        ['interface I {}', true],
      ];
      for (const [code, expected] of cases) {
        const statement = tsParser.parseForESLint(code, optionsFor('/virtual/hard.ts')).ast.body[0]!;
        assert.equal(isHardTerminated(statement, code), expected, code);
      }
    });
  });
});
