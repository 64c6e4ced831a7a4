import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { ESLint, type Linter } from 'eslint';
import fc from 'fast-check';
import plugin = require('eslint-plugin-cancel-safe');
import { createZeroConfig, LINTED_FILES } from 'eslint-plugin-cancel-safe/cli';
import type * as ts from 'typescript';
import { TSError } from '@typescript-eslint/typescript-estree';
import { createTypedIncrementalParser, typedParserWithFallback, type TypedIncrementalParser } from '../../server/src/eslint/typed-incremental-parser';
import { REPO } from './lsp-client';
import { createTypedProject, pairs, plain, scopesOf, typedOptions, type ParserOptions as Options, type ParseResult as Result } from './parser-comparison';

type Services = { program: ts.Program; esTreeNodeToTSNodeMap: { get(node: TSESTree.Node): ts.Node | undefined }; tsNodeToESTreeNodeMap: { get(node: ts.Node): TSESTree.Node | undefined } };

/** The bench's typed scenario (bench/server, .cache/perf/typed.mjs): a chain of modules and one long file importing the last. */
function unit(index: number): string {
  const call =
    index % 8 === 0
      ? `await Promise.race([\n    fetch(url),\n    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout ${index}')), 1_000)),\n  ]);`
      : `await fetch(url, {\n    signal: AbortSignal.timeout(1_000),\n    headers: { 'x-unit': '${index}' },\n  });`;
  return `export async function load${index}(db: { query(sql: string): Promise<unknown> }, url: string): Promise<unknown> {\n  const rows = await db.query('select * from t${index}');\n  const response = ${call}\n  if (!rows) throw new Error('no rows ${index}');\n  const values: number[] = [];\n  for (let k = 0; k < ${index % 7} + 3; k++) values.push(k * ${index});\n  const total = values.reduce((sum, value) => sum + value, 0);\n  const label = \`unit ${index}: \${total}\`;\n  console.log(label);\n  return { rows, response, total };\n}\n\n`;
}

function benchProject(): { root: string; file: string } {
  const files: Record<string, string> = {};
  for (let index = 0; index < 99; index++) files[`src/m${index}.ts`] = `${index > 0 ? `import { load${index - 1} } from './m${index - 1}.js';\nexport const prev${index} = load${index - 1};\n` : ''}${unit(index)}${unit(index + 1000)}`;
  let big = `import { load98 } from './m98.js';\nexport const last = load98;\n`;
  for (let index = 0; big.split('\n').length < 300; index++) big += unit(index);
  files['src/big.ts'] = big;
  const root = createTypedProject(files, { strict: true, target: 'ES2022', module: 'node16', lib: ['ES2023', 'DOM'] });
  return { root, file: path.join(root, 'src/big.ts') };
}

/** Our runtime's sources (real code with cross-file types), in a project of their own. */
function runtimeProject(): { root: string; files: string[] } {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(REPO, 'runtime/src'))) if (name.endsWith('.ts')) files[`src/${name}`] = fs.readFileSync(path.join(REPO, 'runtime/src', name), 'utf8');
  const root = createTypedProject(files, { strict: true, target: 'ES2022', module: 'node16', lib: ['ES2023', 'ESNext.Disposable', 'DOM'], types: [] });
  return { root, files: ['channel.ts', 'semaphore.ts', 'task-tracker.ts'].map((name) => path.join(root, 'src', name)) };
}

/** Edits an editor makes, including ones that change types and ones that break the syntax for a while. */
const TYPED = [' ', '\n', ';', '}', '{', '(', ')', '`', '/*', '//', "'", 'x', 'await ', 'async ', ': string', ' as any', 'Promise.resolve(1)', 'void fetch(url);\n', 'const t = setTimeout(() => {}, 1);\n', '<T>', '?', 'é'];
type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'paste'; at: number; from: number; length: number };

function editArbitrary(textLength: number): fc.Arbitrary<Edit> {
  const position = fc.integer({ min: 0, max: textLength });
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.constantFrom(...TYPED) }), weight: 3 },
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant('paste' as const), at: position, from: position, length: fc.integer({ min: 0, max: 60 }) }),
  );
}

function apply(text: string, edit: Edit): string {
  const at = Math.min(edit.at, text.length);
  if (edit.kind === 'insert') return text.slice(0, at) + edit.text + text.slice(at);
  if (edit.kind === 'delete') return text.slice(0, at) + text.slice(at + edit.length);
  return text.slice(0, at) + text.slice(edit.from, edit.from + edit.length) + text.slice(at);
}

const describeNode = (node: ts.Node | undefined): string => (node ? `${node.kind}:${node.pos}-${node.end}` : 'none');

interface Tally {
  edits: number;
  nodes: number;
  types: number;
  messages: number;
  /** Edited texts that parsed, and how many of those parses were incremental. */
  parsed: number;
  incremental: number;
}

/** Parses `text` with both parsers and compares everything a rule can see. */
function compareParses(parser: TypedIncrementalParser, text: string, options: Options, tally: Tally, where: string, edited = true): boolean {
  let expected: Result | undefined;
  let expectedError: string | undefined;
  try {
    expected = tsParser.parseForESLint(text, options);
  } catch (error) {
    expectedError = (error as Error).message;
  }
  let actual: Result | undefined;
  const incrementalBefore = parser.stats.parses.incremental;
  try {
    actual = parser.parseForESLint(text, options);
    if (edited) {
      tally.incremental += parser.stats.parses.incremental - incrementalBefore;
      tally.parsed++;
    }
  } catch (error) {
    assert.equal((error as Error).message, expectedError, `${where}: only the typed incremental parser threw`);
    return false;
  }
  assert.ok(expected, `${where}: only the stock parser threw: ${expectedError}`);
  assert.deepEqual(plain(actual.ast), plain(expected.ast), `${where}: ASTs differ`);
  assert.deepEqual(scopesOf(actual), scopesOf(expected), `${where}: scopes differ`);
  assert.deepEqual([...actual.scopeManager!.globalScope!.set.keys()], [...expected.scopeManager!.globalScope!.set.keys()], `${where}: globals (lib) differ`);
  const ours = actual.services as unknown as Services;
  const theirs = expected.services as unknown as Services;
  const ourChecker = ours.program.getTypeChecker();
  const theirChecker = theirs.program.getTypeChecker();
  const nodePairs = pairs(actual.ast, expected.ast);
  for (const [mine, stock] of nodePairs) {
    const ourNode = ours.esTreeNodeToTSNodeMap.get(mine);
    const theirNode = theirs.esTreeNodeToTSNodeMap.get(stock);
    assert.equal(describeNode(ourNode), describeNode(theirNode), `${where}: the TS node of ${mine.type} [${mine.range.join(', ')}]`);
    if (!ourNode || !theirNode || mine.type === 'Program') continue;
    const ourType = ourChecker.typeToString(ourChecker.getTypeAtLocation(ourNode));
    assert.equal(ourType, theirChecker.typeToString(theirChecker.getTypeAtLocation(theirNode)), `${where}: the type of ${mine.type} [${mine.range.join(', ')}]`);
    tally.types++;
  }
  // The reverse map, for a sample of nodes (every lookup goes through the exact path).
  for (const [mine, stock] of nodePairs.filter((_, index) => index % 17 === 0)) {
    const ourNode = ours.esTreeNodeToTSNodeMap.get(mine);
    const theirNode = theirs.esTreeNodeToTSNodeMap.get(stock);
    if (!ourNode || !theirNode) continue;
    const back = ours.tsNodeToESTreeNodeMap.get(ourNode);
    const expectedBack = theirs.tsNodeToESTreeNodeMap.get(theirNode);
    assert.deepEqual(back && [back.type, ...back.range], expectedBack && [expectedBack.type, ...expectedBack.range], `${where}: the ESTree node of ${describeNode(ourNode)}`);
  }
  tally.nodes += nodePairs.length;
  return true;
}

function linters(root: string, parser: TypedIncrementalParser): { stock: ESLint; ours: ESLint } {
  const config = createZeroConfig(plugin as never, { configName: 'all', typeAware: true, rootDir: root });
  return {
    stock: new ESLint({ overrideConfigFile: true, overrideConfig: config, cwd: '/' }),
    ours: new ESLint({ overrideConfigFile: true, overrideConfig: [...config, { files: LINTED_FILES, languageOptions: { parser: parser as unknown as Linter.Parser } }], cwd: '/' }),
  };
}

async function compareMessages(eslint: { stock: ESLint; ours: ESLint }, text: string, filePath: string, tally: Tally, where: string): Promise<void> {
  const [expected] = await eslint.stock.lintText(text, { filePath });
  const [actual] = await eslint.ours.lintText(text, { filePath });
  assert.deepEqual(actual!.messages, expected!.messages, `${where}: ESLint messages differ`);
  tally.messages += expected!.messages.length;
}

/** Runs random edit sequences on `files`, comparing after every edit. */
async function checkEdits(root: string, files: string[], runs: number, seed: number, tally: Tally, parser: TypedIncrementalParser): Promise<void> {
  // ESLint's parser options differ from ours (it normalises `ecmaVersion`, adds its own keys), so
  // the linter gets a parser of its own: one parser seeing alternating options parses in full.
  const eslint = linters(root, createTypedIncrementalParser());
  for (const filePath of files) {
    const original = fs.readFileSync(filePath, 'utf8');
    const options = typedOptions(root, filePath);
    await fc.assert(
      fc.asyncProperty(fc.array(editArbitrary(original.length), { minLength: 1, maxLength: 10 }), async (edits) => {
        let text = original;
        // Each run starts from the file as it is: far from where the last run left it, so parsed in full.
        compareParses(parser, text, options, tally, `${path.basename(filePath)} as it is`, false);
        for (const [index, edit] of edits.entries()) {
          const edited = apply(text, edit);
          const where = `${path.basename(filePath)} after edit ${index + 1} ${JSON.stringify(edit)}`;
          const parsed = compareParses(parser, edited, options, tally, where);
          await compareMessages(eslint, edited, filePath, tally, where);
          tally.edits++;
          // Like a user who fixes a syntax error before typing on, keep editing from the text that parsed.
          if (parsed) text = edited;
        }
      }),
      { numRuns: runs, seed },
    );
  }
}

describe('typed incremental parser (language server, embedded type-aware config)', () => {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives the same AST, scopes, node maps, types and ESLint messages as the stock typed parser after random edits (bench project shape)', async function () {
    this.timeout(600_000);
    const { root, file } = benchProject();
    roots.push(root);
    const parser = createTypedIncrementalParser();
    const tally: Tally = { edits: 0, nodes: 0, types: 0, messages: 0, parsed: 0, incremental: 0 };
    await checkEdits(root, [file], 20, 20261201, tally, parser);
    console.log(`      bench shape: ${tally.edits} edits, ${tally.nodes} nodes and ${tally.types} types compared, ${tally.messages} messages, ${tally.incremental} of ${tally.parsed} parses incremental; routes ${JSON.stringify(parser.stats.parses)}, ${parser.stats.fastLookups} fast lookups`);
    // The property holds trivially if every parse took the exact path: most must be incremental, with fast lookups.
    assert.ok(tally.incremental > tally.parsed / 2, `only ${tally.incremental} of ${tally.parsed} parses were incremental`);
    assert.ok(parser.stats.fastLookups > 1_000, `only ${parser.stats.fastLookups} fast lookups`);
  });

  it('falls back to the stock parser after an unexpected exception (reported once), and passes syntax errors through', () => {
    const { root, files } = runtimeProject();
    roots.push(root);
    const options = typedOptions(root, files[0]!);
    const text = fs.readFileSync(files[0]!, 'utf8');
    const warnings: string[] = [];
    const broken = { ...createTypedIncrementalParser(), parseForESLint: (): never => { throw new Error('boom'); } };
    const parser = typedParserWithFallback(broken, (message) => warnings.push(message));
    for (let run = 0; run < 2; run++) assert.equal(parser.parseForESLint(text, options).ast.body.length, tsParser.parseForESLint(text, options).ast.body.length);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /failed on .*channel\.ts \(boom\); type-aware linting uses the stock/);
    const real = typedParserWithFallback(createTypedIncrementalParser(), (message) => warnings.push(message));
    assert.throws(() => real.parseForESLint(`${text}\nconst = ;`, options), TSError);
    assert.equal(warnings.length, 1);
  });

  it('switches to the stock parser when a lazy node-map lookup finds the AST different from typescript-estree\'s (during a rule)', () => {
    const { root, files } = runtimeProject();
    roots.push(root);
    const options = typedOptions(root, files[0]!);
    const text = fs.readFileSync(files[0]!, 'utf8');
    const warnings: string[] = [];
    const typed = createTypedIncrementalParser();
    const parser = typedParserWithFallback(typed, (message) => warnings.push(message));
    parser.parseForESLint(text, options);
    const edited = parser.parseForESLint(`${text}\n`, options);
    assert.equal(typed.stats.parses.incremental, 1);
    // A corrupted AST stands for a parser bug: the node-for-node match must notice it.
    const block = edited.ast.body.find((statement) => statement.type === 'ExportNamedDeclaration')!;
    block.range = [block.range[0] + 1, block.range[1]];
    const services = edited.services as unknown as { esTreeNodeToTSNodeMap: { get(node: unknown): unknown } };
    assert.throws(() => services.esTreeNodeToTSNodeMap.get(block), /differs from typescript-estree's/);
    assert.equal(parser.failed, true);
    assert.equal(warnings.length, 1);
    const before = { ...typed.stats.parses };
    assert.equal(parser.parseForESLint(`${text}\n\n`, options).ast.body.length, edited.ast.body.length);
    assert.deepEqual(typed.stats.parses, before, 'the stock parser parsed it');
  });

  it('does the same on real sources of this repository inside a tsconfig project (the runtime)', async function () {
    this.timeout(600_000);
    const { root, files } = runtimeProject();
    roots.push(root);
    const parser = createTypedIncrementalParser();
    const tally: Tally = { edits: 0, nodes: 0, types: 0, messages: 0, parsed: 0, incremental: 0 };
    await checkEdits(root, files, 6, 20261202, tally, parser);
    console.log(`      runtime sources: ${tally.edits} edits, ${tally.nodes} nodes and ${tally.types} types compared, ${tally.messages} messages, ${tally.incremental} of ${tally.parsed} parses incremental; routes ${JSON.stringify(parser.stats.parses)}, ${parser.stats.fastLookups} fast lookups`);
    assert.ok(tally.incremental > tally.parsed / 3, `only ${tally.incremental} of ${tally.parsed} parses were incremental`);
  });
});
