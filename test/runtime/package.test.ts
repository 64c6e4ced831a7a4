import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';

const runtime = path.join(__dirname, '..', '..', 'runtime');
const require_ = createRequire(path.join(runtime, 'package.json'));

/** Every module the file at `entry` reaches through static imports/requires, with its specifiers. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g),
      ...source.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g),
      ...source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((match) => match[1]!);
    seen.set(file, specifiers);
    for (const specifier of specifiers) if (specifier.startsWith('.')) visit(path.join(path.dirname(file), specifier));
  };
  visit(entry);
  return seen;
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

describe('package cancel-safe', () => {
  for (const flavour of ['esm', 'cjs']) {
    it(`the core entry (${flavour}) imports no node: module, so it runs in browsers, Deno and Bun`, () => {
      const modules = graph(path.join(runtime, 'dist', flavour, 'index.js'));
      assert.ok(modules.size >= 10, `only ${modules.size} modules reached: is the build current?`);
      for (const [file, specifiers] of modules) {
        const builtins = specifiers.filter(isBuiltin);
        assert.deepEqual(builtins, [], `${path.relative(runtime, file)} imports ${builtins.join(', ')}`);
        assert.ok(!file.endsWith('node.js'), 'the core entry reaches cancel-safe/node');
      }
    });
  }

  it('the core entry never builds on AbortSignal.any (it leaks on Node 20: nodejs/node#54614, #57584)', () => {
    for (const file of graph(path.join(runtime, 'dist', 'esm', 'index.js')).keys()) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /AbortSignal\.any\s*\(/, file);
    }
  });

  it('ESM and CommonJS export the same names, and cancel-safe/node shares their classes', async () => {
    const esm = await import('cancel-safe');
    const cjs = require_('cancel-safe') as Record<string, unknown>;
    const expected = [
      'CancellationToken', 'Channel', 'ChannelClosedError', 'JoinSet', 'Semaphore', 'TaskTracker', 'TimeoutError',
      'interval', 'mapConcurrent', 'pump', 'retry', 'select', 'sleep', 'timeout',
    ];
    assert.deepEqual(Object.keys(cjs).sort(), expected.sort());
    for (const name of expected) assert.equal(typeof (esm as Record<string, unknown>)[name], 'function', name);
    const node = require_('cancel-safe/node') as Record<string, unknown>;
    assert.equal(typeof node.onShutdown, 'function');
    assert.equal(node.CancellationToken, cjs.CancellationToken);
    assert.equal(node.TaskTracker, cjs.TaskTracker);
  });

  it('select() from one copy of the package claims for the primitives of the other (ESM with CommonJS)', async () => {
    const esm = await import('cancel-safe');
    const cjs = require_('cancel-safe') as typeof import('cancel-safe');
    const a = new cjs.Channel<string>(1);
    const b = new cjs.Channel<string>(1);
    a.trySend('a');
    b.trySend('b');
    const result = await esm.select({ a: (signal) => a.recv({ signal }), b: (signal) => b.recv({ signal }) });
    assert.equal(result.key, 'a');
    assert.equal(b.size, 1, 'the CommonJS channel saw the ESM select claim and consumed nothing');
  });

  it('errors are named and instanceof-checkable', () => {
    const { ChannelClosedError, TimeoutError } = require_('cancel-safe') as typeof import('cancel-safe');
    assert.equal(new ChannelClosedError().name, 'ChannelClosedError');
    assert.equal(new TimeoutError().name, 'TimeoutError');
    assert.ok(new ChannelClosedError() instanceof Error);
  });

  it('package.json declares zero dependencies, side-effect freedom and typed exports', () => {
    const manifest = JSON.parse(readFileSync(path.join(runtime, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.equal(manifest.sideEffects, false);
    for (const entry of ['.', './node']) {
      for (const condition of ['import', 'require']) assert.ok(manifest.exports[entry][condition].types, `${entry} ${condition} types`);
    }
  });
});

describe('package cancel-safe: documentation in the published .d.ts', () => {
  const dir = path.join(runtime, 'dist', 'esm');
  const files = readdirSync(dir).filter((name) => name.endsWith('.d.ts') && name !== 'internal.d.ts' && name !== 'index.d.ts');

  it('every async method and function has a **Cancel safety** paragraph', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      // Each doc comment, then the declaration text up to the next doc comment.
      for (const match of source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/((?:(?!\/\*\*)[\s\S])*)/g)) {
        const [, doc, declaration] = match;
        if (!/\)\s*:\s*Promise<|asyncIterator\]\(\)|asyncDispose\]\(\)/.test(declaration!)) continue;
        checked++;
        if (!doc!.includes('**Cancel safety:**')) missing.push(`${file}: ${declaration!.trim().split('\n')[0]}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(checked >= 20, `only ${checked} async declarations found: is the check still reading the .d.ts?`);
  });

  it('every exported function and class has an @example', () => {
    const missing: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      for (const match of source.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\s*\n?export declare (?:function|class) (\w+)/g)) {
        if (!match[1]?.includes('@example')) missing.push(`${file}: ${match[2]}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
