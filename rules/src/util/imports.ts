import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, unwrap } from './ast';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Names a fix can reference once its import exists, and the fixes that add the import. */
export interface RuntimeImport {
  /** Local expression for each requested export (`timeout`, or `cs.timeout` with a namespace import). */
  readonly names: Readonly<Record<string, string>>;
  readonly fixes: TSESLint.RuleFix[];
}

/**
 * Builds the fixes that make `exports` of `module` (the runtime, `settings.runtimeModule`)
 * available at the top of the file, matching the file's module system: it reuses an existing
 * `import … from module` or `const { … } = require(module)` and otherwise adds one in the same
 * style as the file's other imports. A name that is already taken by another binding is imported
 * under an alias so the fix never shadows user code.
 */
export function importFromRuntime(
  fixer: TSESLint.RuleFixer,
  sourceCode: SourceCode,
  module: string,
  exports: readonly string[],
): RuntimeImport {
  const program = sourceCode.ast;
  const names: Record<string, string> = {};
  const fixes: TSESLint.RuleFix[] = [];

  const esm = findEsmImport(program, module);
  if (esm?.namespace) {
    for (const name of exports) names[name] = `${esm.namespace}.${name}`;
    return { names, fixes };
  }
  const cjs = esm ? undefined : findCjsRequire(program, module);
  const existing = esm?.named ?? cjs?.named;
  // The fix's code lands inside some function: a name declared in any nested scope may shadow
  // the import there, so such names count as taken (an alias costs nothing; a shadowed name
  // would silently call the user's function instead).
  const nested = namesDeclaredBelowTheTop(sourceCode);
  const missing: string[] = [];
  for (const name of exports) {
    const local = existing?.get(name);
    if (local && !nested.has(local)) names[name] = local;
    else missing.push(name);
  }
  if (missing.length === 0) return { names, fixes };

  // `getScope(program)` is the global scope; a module's imports and a CommonJS file's top-level
  // bindings live in the scope just under it, whose block is also the program.
  const globalScope = sourceCode.getScope(program);
  const scope = globalScope.childScopes.find((child) => child.block === program) ?? globalScope;
  const isFree = (name: string): boolean => isNameFree(scope, name) && !nested.has(name);
  const specifiers = missing.map((name) => {
    const local = isFree(name) ? name : freeAlias(isFree, name);
    names[name] = local;
    return { name, local };
  });
  const useCjs = cjs !== undefined || (!esm && isCommonJsFile(sourceCode));

  if (esm?.last) {
    const text = specifiers.map(({ name, local }) => (name === local ? name : `${name} as ${local}`)).join(', ');
    fixes.push(fixer.insertTextAfter(esm.last, `, ${text}`));
  } else if (cjs?.last) {
    const text = specifiers.map(({ name, local }) => (name === local ? name : `${name}: ${local}`)).join(', ');
    fixes.push(fixer.insertTextAfter(cjs.last, `, ${text}`));
  } else {
    const quote = preferredQuote(sourceCode);
    const statement = useCjs
      ? `const { ${specifiers.map(({ name, local }) => (name === local ? name : `${name}: ${local}`)).join(', ')} } = require(${quote}${module}${quote});`
      : `import { ${specifiers.map(({ name, local }) => (name === local ? name : `${name} as ${local}`)).join(', ')} } from ${quote}${module}${quote};`;
    const anchor = lastImportStatement(program, useCjs);
    if (anchor) fixes.push(fixer.insertTextAfter(anchor, `\n${statement}`));
    else {
      const first = firstStatementAfterDirectives(program);
      fixes.push(first ? fixer.insertTextBefore(first, `${statement}\n`) : fixer.insertTextAfterRange([0, 0], `${statement}\n`));
    }
  }
  return { names, fixes };
}

interface ExistingImport {
  named: Map<string, string>;
  last?: TSESTree.Node;
  namespace?: string;
}

function findEsmImport(program: TSESTree.Program, module: string): ExistingImport | undefined {
  let fallback: ExistingImport | undefined;
  for (const statement of program.body) {
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.source.value !== module) continue;
    if (statement.importKind === 'type') continue;
    const named = new Map<string, string>();
    let last: TSESTree.Node | undefined;
    for (const specifier of statement.specifiers) {
      if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { named, namespace: specifier.local.name };
      if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
        last = specifier;
        if (specifier.importKind === 'type') continue;
        const imported =
          specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : String(specifier.imported.value);
        named.set(imported, specifier.local.name);
      }
    }
    if (last) return { named, last };
    fallback ??= { named };
  }
  return fallback;
}

function findCjsRequire(program: TSESTree.Program, module: string): ExistingImport | undefined {
  for (const statement of program.body) {
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      if (!declarator.init || !isRequireOf(declarator.init, module)) continue;
      if (declarator.id.type === AST_NODE_TYPES.Identifier) {
        return { named: new Map(), namespace: declarator.id.name };
      }
      if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
        const named = new Map<string, string>();
        let last: TSESTree.Node | undefined;
        for (const property of declarator.id.properties) {
          if (property.type !== AST_NODE_TYPES.Property) continue;
          last = property;
          if (property.key.type === AST_NODE_TYPES.Identifier && property.value.type === AST_NODE_TYPES.Identifier) {
            named.set(property.key.name, property.value.name);
          }
        }
        return last ? { named, last } : { named };
      }
    }
  }
  return undefined;
}

function isRequireOf(node: TSESTree.Node, module?: string): boolean {
  const call = unwrap(node);
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = unwrap(call.callee);
  const argument = call.arguments[0];
  return (
    callee.type === AST_NODE_TYPES.Identifier &&
    callee.name === 'require' &&
    argument?.type === AST_NODE_TYPES.Literal &&
    typeof argument.value === 'string' &&
    (module === undefined || argument.value === module)
  );
}

/** CommonJS when the file says so (`.cjs`, `sourceType: 'script'`, or top-level `require` with no ESM syntax). */
function isCommonJsFile(sourceCode: SourceCode): boolean {
  const program = sourceCode.ast;
  const hasEsmSyntax = program.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.ImportDeclaration ||
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration ||
      statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
      statement.type === AST_NODE_TYPES.ExportAllDeclaration,
  );
  if (hasEsmSyntax) return false;
  // typescript-estree says 'script' for CommonJS; espree (ESLint's default parser) says 'commonjs'.
  if ((program.sourceType as string) === 'script' || (program.sourceType as string) === 'commonjs') return true;
  return program.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.VariableDeclaration &&
      statement.declarations.some((declarator) => declarator.init !== null && isRequireOf(declarator.init)),
  );
}

function lastImportStatement(program: TSESTree.Program, cjs: boolean): TSESTree.Node | undefined {
  let last: TSESTree.Node | undefined;
  for (const statement of program.body) {
    if (!cjs && statement.type === AST_NODE_TYPES.ImportDeclaration) last = statement;
    else if (
      cjs &&
      statement.type === AST_NODE_TYPES.VariableDeclaration &&
      statement.declarations.some((declarator) => declarator.init !== null && isRequireOf(declarator.init))
    ) {
      last = statement;
    }
  }
  return last;
}

function firstStatementAfterDirectives(program: TSESTree.Program): TSESTree.Node | undefined {
  return program.body.find(
    (statement) => !(statement.type === AST_NODE_TYPES.ExpressionStatement && statement.directive !== undefined),
  );
}

function preferredQuote(sourceCode: SourceCode): string {
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      return sourceCode.getText(statement.source).startsWith('"') ? '"' : "'";
    }
  }
  return "'";
}

function isNameFree(scope: TSESLint.Scope.Scope, name: string): boolean {
  if (ASTUtils.findVariable(scope, name)) return false;
  // A name used anywhere in the file without a declaration (an implicit global) is taken too.
  return !scope.through.some((reference) => reference.identifier.name === name);
}

function freeAlias(isFree: (name: string) => boolean, name: string): string {
  const base = `cancelSafe${name[0]!.toUpperCase()}${name.slice(1)}`;
  let candidate = base;
  for (let index = 2; !isFree(candidate); index++) candidate = `${base}${index}`;
  return candidate;
}

/** Names of the variables of every scope below the file's top scope (functions, blocks, classes…). */
function namesDeclaredBelowTheTop(sourceCode: SourceCode): Set<string> {
  const names = new Set<string>();
  const program = sourceCode.ast;
  for (const scope of sourceCode.scopeManager?.scopes ?? []) {
    if (scope.type === 'global' || scope.block === program) continue;
    for (const variable of scope.variables) names.add(variable.name);
  }
  return names;
}
