/**
 * What the incremental-parser tests share to compare a parse with @typescript-eslint/parser's:
 * ASTs as plain data, scope summaries, node pairs of two ASTs, and TypeScript projects on disk.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tsParser from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

export type ParserOptions = NonNullable<Parameters<typeof tsParser.parseForESLint>[1]>;
export type ParseResult = ReturnType<typeof tsParser.parseForESLint>;

/** The AST as plain data: no `parent` links, keys sorted, so two parses compare with deepEqual. */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) if (key !== 'parent') result[key] = plain((value as Record<string, unknown>)[key]);
  return result;
}

/** Per scope: type, block range, variables with their reference counts, and unresolved references. */
export function scopesOf(result: ParseResult): string[] {
  return result.scopeManager!.scopes.map(
    (scope) => `${scope.type}@${scope.block.range.join('-')}:${scope.variables.map((variable) => `${variable.name}/${variable.references.length}`).join(',')}:${scope.through.length}`,
  );
}

/** Node pairs of two ASTs of one shape (as ESLint visits them), with `parent` set on ours as ESLint sets it. */
export function pairs(ours: TSESTree.Node, theirs: TSESTree.Node): [TSESTree.Node, TSESTree.Node][] {
  const result: [TSESTree.Node, TSESTree.Node][] = [];
  const stack: [TSESTree.Node, TSESTree.Node, TSESTree.Node | undefined][] = [[ours, theirs, undefined]];
  while (stack.length > 0) {
    const [a, b, parent] = stack.pop()!;
    if (parent) (a as { parent?: TSESTree.Node }).parent = parent;
    result.push([a, b]);
    for (const key of visitorKeys[a.type] ?? []) {
      const x = (a as unknown as Record<string, unknown>)[key];
      const y = (b as unknown as Record<string, unknown>)[key];
      if (Array.isArray(x)) x.forEach((child, index) => child && stack.push([child as TSESTree.Node, (y as TSESTree.Node[])[index]!, a]));
      else if (x && typeof x === 'object') stack.push([x as TSESTree.Node, y as TSESTree.Node, a]);
    }
  }
  return result;
}

/** A temporary TypeScript project: `tsconfig.json` including `src`, and `files` (relative path to text). */
export function createTypedProject(files: Record<string, string>, compilerOptions: Record<string, unknown>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-safe-typed-parser-')));
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { noEmit: true, skipLibCheck: true, ...compilerOptions }, include: ['src'] }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

/** The parser options of the language server's type-aware embedded config for `filePath` in the project at `root`. */
export function typedOptions(root: string, filePath: string): ParserOptions {
  return {
    filePath,
    ecmaVersion: 'latest',
    sourceType: 'module',
    ecmaFeatures: { jsx: true },
    projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs'] },
    tsconfigRootDir: root,
  };
}
