import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, unwrap } from './ast';
import { importFromRuntime, type RuntimeImport } from './imports';

type SourceCode = Readonly<TSESLint.SourceCode>;

/**
 * Like `importFromRuntime`, for a Node built-in (`importFromBuiltin(fixer, sourceCode, 'events', ['once'])`).
 * A file may already import the module as `'events'` or `'node:events'`: that import (ESM or
 * `require`, named or namespace) is reused so the fix never adds a second one; otherwise the
 * `node:` spelling is added in the file's module system.
 */
export function importFromBuiltin(
  fixer: TSESLint.RuleFixer,
  sourceCode: SourceCode,
  module: string,
  exports: readonly string[],
): RuntimeImport {
  const bare = module.startsWith('node:') ? module.slice(5) : module;
  const spelling = findExistingSpelling(sourceCode.ast, [`node:${bare}`, bare]) ?? `node:${bare}`;
  return importFromRuntime(fixer, sourceCode, spelling, exports);
}

/** The spelling of the first top-level value import or `require` of one of `candidates`. */
function findExistingSpelling(program: TSESTree.Program, candidates: readonly string[]): string | undefined {
  for (const statement of program.body) {
    if (
      statement.type === AST_NODE_TYPES.ImportDeclaration &&
      statement.importKind !== 'type' &&
      candidates.includes(statement.source.value)
    ) {
      return statement.source.value;
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init ? unwrap(declarator.init) : undefined;
      if (init?.type !== AST_NODE_TYPES.CallExpression) continue;
      const callee = unwrap(init.callee);
      const argument = init.arguments[0];
      if (
        callee.type === AST_NODE_TYPES.Identifier &&
        callee.name === 'require' &&
        argument?.type === AST_NODE_TYPES.Literal &&
        typeof argument.value === 'string' &&
        candidates.includes(argument.value)
      ) {
        return argument.value;
      }
    }
  }
  return undefined;
}
