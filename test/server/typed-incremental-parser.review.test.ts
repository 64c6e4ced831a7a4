import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import * as ts from 'typescript';
import { createTypedIncrementalParser, type TypedIncrementalParser } from '../../server/src/eslint/typed-incremental-parser';
import { createTypedProject, pairs, plain, typedOptions, type ParserOptions as Options, type ParseResult as Result } from './parser-comparison';

/*
 * Regression cases from an adversarial review of the typed incremental parser: hand-picked edit
 * sequences over constructs the random edits of typed-incremental-parser.test.ts rarely keep
 * parseable, compared with the stock typed parser after every edit. Skipped cases are open
 * counterexamples (see the comment on each).
 */

type Services = { program: ts.Program; esTreeNodeToTSNodeMap: { get(node: TSESTree.Node): ts.Node | undefined }; tsNodeToESTreeNodeMap: { get(node: ts.Node): TSESTree.Node | undefined } };

const roots: string[] = [];

function createProject(files: Record<string, string>, compilerOptions: Record<string, unknown>): string {
  const root = createTypedProject(files, { strict: true, ...compilerOptions });
  roots.push(root);
  return root;
}

const optionsFor = (root: string, name: string): Options => typedOptions(root, path.join(root, name));

function scopes(result: Result): string[] {
  const manager = result.scopeManager!;
  const index = new Map(manager.scopes.map((scope, position) => [scope, position]));
  return manager.scopes.map((scope) =>
    [
      scope.type,
      scope.block.range.join('-'),
      // The global scope's lib variables are counted (they number in the thousands); the others listed.
      scope.type === 'global' ? `${scope.variables.length} variables` : scope.variables.map((variable) => `${variable.name}:${variable.defs.map((def) => def.type).join('|')}:${variable.references.length}`).join(','),
      scope.references.map((reference) => `${reference.identifier.range[0]}>${reference.resolved ? `${reference.resolved.name}@${index.get(reference.resolved.scope)}` : '-'}`).join(','),
      scope.through.length,
      scope.set.size,
    ].join(' '),
  );
}

const describeTS = (node: ts.Node | undefined): string => (node ? `${ts.SyntaxKind[node.kind]}:${node.pos}-${node.end}` : 'none');
const describeESTree = (node: TSESTree.Node | undefined): string => (node ? `${node.type}:${node.range.join('-')}` : 'none');

/** Parses with both parsers and compares what a rule sees; returns whether ours parsed incrementally. */
function compare(parser: TypedIncrementalParser, text: string, options: Options, where: string, reverse = false): boolean {
  let expected: Result | undefined;
  let expectedError: string | undefined;
  try {
    expected = tsParser.parseForESLint(text, options);
  } catch (error) {
    expectedError = (error as Error).message;
  }
  const before = parser.stats.parses.incremental;
  let actual: Result;
  try {
    actual = parser.parseForESLint(text, options);
  } catch (error) {
    assert.equal((error as Error).message, expectedError, `${where}: only ours threw`);
    return false;
  }
  assert.ok(expected, `${where}: only the stock parser threw: ${expectedError}`);
  const incremental = parser.stats.parses.incremental > before;
  assert.deepEqual(plain(actual.ast), plain(expected.ast), `${where}: ASTs differ`);
  assert.deepEqual(scopes(actual), scopes(expected), `${where}: scopes differ`);
  const ours = actual.services as unknown as Services;
  const theirs = expected.services as unknown as Services;
  const ourChecker = ours.program.getTypeChecker();
  const theirChecker = theirs.program.getTypeChecker();
  for (const [mine, stock] of pairs(actual.ast, expected.ast)) {
    const ourNode = ours.esTreeNodeToTSNodeMap.get(mine);
    const theirNode = theirs.esTreeNodeToTSNodeMap.get(stock);
    assert.equal(describeTS(ourNode), describeTS(theirNode), `${where}: the TS node of ${describeESTree(mine)}`);
    if (!ourNode || !theirNode || mine.type === 'Program') continue;
    assert.equal(ourChecker.typeToString(ourChecker.getTypeAtLocation(ourNode)), theirChecker.typeToString(theirChecker.getTypeAtLocation(theirNode)), `${where}: the type of ${describeESTree(mine)}`);
    if (reverse) assert.equal(describeESTree(ours.tsNodeToESTreeNodeMap.get(ourNode)), describeESTree(theirs.tsNodeToESTreeNodeMap.get(theirNode)), `${where}: the ESTree node of ${describeTS(ourNode)}`);
  }
  return incremental;
}

/** Applies `edits` (search text, replacement) one after the other, comparing after each; returns how many parses were incremental. */
function editSequence(parser: TypedIncrementalParser, original: string, options: Options, edits: [string | RegExp, string][], reverse = false): number {
  let text = original;
  compare(parser, text, options, 'original', reverse);
  let incremental = 0;
  for (const [index, [from, to]] of edits.entries()) {
    const next = text.replace(from, to);
    assert.notEqual(next, text, `edit ${index + 1} (${String(from)}) changes nothing`);
    text = next;
    if (compare(parser, text, options, `after edit ${index + 1} (${String(from)} -> ${JSON.stringify(to)})`, reverse)) incremental++;
  }
  return incremental;
}

const CONSTRUCTS = `import fs = require('node:fs');
export enum Color { Red = 1, Green = Red << 1, 'Blue' = 4 }
export declare namespace Ambient { const a: number; function f(): void; }
namespace Inner.Deep { export const v = 1; }
export function over(a: string): string;
export function over(a: number): number;
export function over(a: any): any { return a; }
export class Store {
  accessor count = 0;
  static { console.log('static'); }
  #hidden = 1;
  get hidden() { return this.#hidden; }
  constructor(private readonly x: number, public y?: string) {}
  method<T>(this: Store, t: T): T { return t; }
}
export const conf = { a: 1 } satisfies Record<string, number>;
export async function dispose(): Promise<unknown> {
  await using resource = { async [Symbol.asyncDispose]() {} };
  using other = { [Symbol.dispose]() {} };
  outer: for (const x of [1, 2]) { if (x) continue outer; }
  const label = \`count \${new Store(1).count} of \${conf.a}\`;
  return fs.existsSync(label) ? resource : other;
}
declare global { interface Window { extra: number } }
export const café = 1;
export function naïve(ü: number): number {
  const Ωmega = ü + café; // ça
  return Ωmega * 2;
}
`;

describe('typed incremental parser: review regressions', () => {
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('matches the stock parser through edits to enums, namespaces, overloads, accessors, satisfies, using, templates and non-ASCII names (LF and CRLF)', function () {
    this.timeout(120_000);
    for (const newline of ['\n', '\r\n']) {
      const text = CONSTRUCTS.replace(/\n/g, newline);
      const root = createProject({ 'src/constructs.ts': text }, { target: 'ES2022', module: 'nodenext', lib: ['ES2022', 'ESNext.Disposable', 'DOM'] });
      const parser = createTypedIncrementalParser();
      const incremental = editSequence(parser, text, optionsFor(root, 'src/constructs.ts'), [
        ['accessor count = 0;', 'accessor count = 0;\n  accessor other = 2;'],
        ['static { console.log', 'static { void console.log'],
        ['export const conf', 'export let conf'],
        ['continue outer;', 'continue outer; else break outer;'],
        ['count ${', 'count é ${'],
        [/Ωmega \* 2/, 'Ωmega * café'],
        ['const Ωmega', 'let Ωmega'],
        ['method<T>(', '@((target: any) => target) method<T>('],
        ['export function over(a: any)', 'export function over(a: boolean): boolean;\nexport function over(a: any)'],
        ['declare global', '/* global augmentation */ declare global'],
        [/$/, 'export const tail = conf satisfies object;\n'],
        [/^/, '// head\n'],
      ]);
      assert.ok(incremental >= 6, `only ${incremental} of 12 edits parsed incrementally (${JSON.stringify(parser.stats.parses)})`);
    }
  });

  it('matches the stock parser through edits to JSX in a .tsx file', function () {
    this.timeout(60_000);
    const text = `export function View({ items }: { items: string[] }) {\n  const list = items.map((item) => <li key={item}>{item.toUpperCase()}</li>);\n  return (\n    <div className="v" onClick={() => setTimeout(() => {}, 1)}>\n      <ul>{list}</ul>\n      <>{items.length > 0 ? <span>some</span> : null}</>\n    </div>\n  );\n}\nexport const other = () => <View items={['a']} />;\n`;
    const root = createProject({ 'src/view.tsx': text }, { target: 'ES2022', module: 'nodenext', jsx: 'preserve' });
    const parser = createTypedIncrementalParser();
    const incremental = editSequence(parser, text, optionsFor(root, 'src/view.tsx'), [
      ['<ul>{list}</ul>', '<ul>{list}{list.length}</ul>'],
      ['some</span>', 'some items</span>'],
      ["items={['a']}", "items={['a', 'b']}"],
      ['const list', 'let list'],
    ]);
    assert.ok(incremental >= 2, `only ${incremental} of 4 edits parsed incrementally`);
  });

  it('parses the first text after a syntax error incrementally against the last text that parsed, with the same result', function () {
    this.timeout(60_000);
    const text = 'export async function f() {\n  const a = 1;\n  return a;\n}\nexport const b = 2;\n';
    const root = createProject({ 'src/a.ts': text }, { target: 'ES2022', module: 'nodenext' });
    const parser = createTypedIncrementalParser();
    const options = optionsFor(root, 'src/a.ts');
    compare(parser, text, options, 'original');
    assert.throws(() => parser.parseForESLint(text.replace('= 1;', '= ;'), options));
    assert.ok(compare(parser, text.replace('= 1;', '= 12;'), options, 'recovered'), 'the recovered text was not parsed incrementally');
    assert.ok(compare(parser, text.replace('= 1;', "= '12';"), options, 'edited after recovery'));
  });

  it('with target ES5, parses non-ASCII text in full and ASCII-only text (escapes included) the same as the stock parser', function () {
    this.timeout(60_000);
    const root = createProject({ 'src/a.ts': 'export {};\n' }, { target: 'ES5', module: 'commonjs', lib: ['ES2015', 'DOM'] });
    const parser = createTypedIncrementalParser();
    const options = optionsFor(root, 'src/a.ts');
    const unicode = 'export const café = 1;\nexport function f() { return café; }\n';
    compare(parser, unicode, options, 'non-ASCII');
    assert.equal(compare(parser, `${unicode}const x = 1;\n`, options, 'non-ASCII edited'), false, 'non-ASCII text under ES5 must not take the window parse');
    compare(parser, 'const \\u0220 = 1;\nexport {};\n', options, 'escape');
    compare(parser, 'const \\u0220 = 1;\nexport {};\nlet z;\n', options, 'escape edited');
  });

  // Counterexample: a tsconfig with `module` node16/nodenext and no `target`. The stock parser's
  // Found by review: with `module` node16/nodenext and no `target`, scope analysis took `lib` from
  // ts.getDefaultLibFileName (ES2022/ESNext, implied by `module`) where the stock parser counts an
  // unset target as ES5: 26/40 more globals (BigInt, AggregateError, WeakRef, ...).
  it('takes the scope analysis `lib` from an unset target as the stock parser does (module nodenext without target)', () => {
    for (const module of ['nodenext', 'node16']) {
      const text = 'export const big = BigInt(1);\n';
      const root = createProject({ 'src/a.ts': text }, { module });
      compare(createTypedIncrementalParser(), text, optionsFor(root, 'src/a.ts'), `module ${module}`);
    }
  });

  // Found by review: after an incremental parse, `tsNodeToESTreeNodeMap.get()` of the TS
  // PropertyAccessExpression `o?.f` in `o?.f()` was undefined; the stock parser answers the
  // ChainExpression typescript-estree registered for it before it unwrapped that chain into the
  // call's (a node not in the AST, so pairing cannot reach it).
  it('answers tsNodeToESTreeNodeMap for an optional call chain after an incremental parse as the stock parser does', () => {
    const text = 'declare const o: { f?(): number } | undefined;\nexport const r = o?.f();\n';
    const root = createProject({ 'src/a.ts': text }, { target: 'ES2022', module: 'nodenext' });
    const parser = createTypedIncrementalParser();
    const options = optionsFor(root, 'src/a.ts');
    compare(parser, text, options, 'original', true);
    assert.ok(compare(parser, `${text}\n`, options, 'edited', true), 'the edit was not parsed incrementally');
  });
});
