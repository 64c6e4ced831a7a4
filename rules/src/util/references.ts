import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getPropertyName, unwrap } from './ast';

/**
 * Where a value comes from: a global (`module` undefined; `path` like `['Promise', 'race']`) or a
 * module export (`module` like `'timers'`, `path` like `['promises', 'setTimeout']`). Module names
 * are normalised: no `node:` prefix, and `x/promises` becomes module `x` with path `promises…`, so
 * `import { setTimeout } from 'node:timers/promises'` and `require('timers').promises.setTimeout`
 * have the same origin.
 */
export interface Origin {
  readonly module: string | undefined;
  readonly path: readonly string[];
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const MAX_ALIAS_DEPTH = 8;

/**
 * Resolves an expression to its origin through imports, `require`, destructuring and `const`
 * aliases. Returns undefined for anything else (parameters, computed values, shadowed globals).
 */
export function resolveOrigin(
  sourceCode: Readonly<TSESLint.SourceCode>,
  node: TSESTree.Node,
  depth = 0,
): Origin | undefined {
  if (depth > MAX_ALIAS_DEPTH) return undefined;
  const expression = unwrap(node);
  switch (expression.type) {
    case AST_NODE_TYPES.Identifier:
      return resolveIdentifier(sourceCode, expression, depth);
    case AST_NODE_TYPES.MemberExpression: {
      const name = getPropertyName(expression);
      if (name === undefined) return undefined;
      const object = resolveOrigin(sourceCode, expression.object, depth + 1);
      if (!object) return undefined;
      if (object.module === undefined && object.path.length === 1 && GLOBAL_OBJECTS.has(object.path[0]!)) {
        return { module: undefined, path: [name] };
      }
      return normalize(object.module, [...object.path, name]);
    }
    case AST_NODE_TYPES.CallExpression:
      return resolveRequire(sourceCode, expression);
    case AST_NODE_TYPES.AwaitExpression: {
      // `await import('node:timers/promises')`
      const argument = unwrap(expression.argument);
      if (argument.type === AST_NODE_TYPES.ImportExpression && argument.source.type === AST_NODE_TYPES.Literal) {
        return typeof argument.source.value === 'string' ? normalize(argument.source.value, []) : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function resolveIdentifier(
  sourceCode: Readonly<TSESLint.SourceCode>,
  identifier: TSESTree.Identifier,
  depth: number,
): Origin | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  if (!variable || variable.defs.length === 0) return { module: undefined, path: [identifier.name] };
  const definition = variable.defs[0]!;
  if (definition.type === 'ImportBinding') {
    const specifier = definition.node;
    const declaration = specifier.parent;
    if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
    const module = declaration.source.value;
    switch (specifier.type) {
      case AST_NODE_TYPES.ImportNamespaceSpecifier:
        return normalize(module, []);
      case AST_NODE_TYPES.ImportDefaultSpecifier:
        return normalize(module, isBuiltin(module) ? [] : ['default']);
      case AST_NODE_TYPES.ImportSpecifier: {
        const imported =
          specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : String(specifier.imported.value);
        return normalize(module, imported === 'default' && isBuiltin(module) ? [] : [imported]);
      }
      default:
        return undefined;
    }
  }
  if (definition.type === 'Variable') {
    const declarator = definition.node;
    if (!declarator.init || !isNeverReassigned(variable)) return undefined;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) return resolveOrigin(sourceCode, declarator.init, depth + 1);
    const pathInPattern = findPathInPattern(declarator.id, definition.name);
    if (!pathInPattern) return undefined;
    const base = resolveOrigin(sourceCode, declarator.init, depth + 1);
    return base ? normalize(base.module, [...base.path, ...pathInPattern]) : undefined;
  }
  return undefined;
}

function resolveRequire(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): Origin | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier || callee.name !== 'require' || call.arguments.length !== 1) return undefined;
  const argument = call.arguments[0]!;
  if (argument.type !== AST_NODE_TYPES.Literal || typeof argument.value !== 'string') return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
  if (variable && variable.defs.length > 0) return undefined; // a local function named require
  return normalize(argument.value, []);
}

function isNeverReassigned(variable: TSESLint.Scope.Variable): boolean {
  return variable.references.every((reference) => !reference.isWrite() || reference.init === true);
}

/** `{ a: { b: local } }` with `local` → `['a', 'b']`. */
function findPathInPattern(pattern: TSESTree.Node, target: TSESTree.Identifier): string[] | undefined {
  if (pattern === target) return [];
  if (pattern.type === AST_NODE_TYPES.AssignmentPattern) return findPathInPattern(pattern.left, target);
  if (pattern.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const property of pattern.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const key =
      !property.computed && property.key.type === AST_NODE_TYPES.Identifier
        ? property.key.name
        : property.key.type === AST_NODE_TYPES.Literal
          ? String(property.key.value)
          : undefined;
    if (key === undefined) continue;
    const rest = findPathInPattern(property.value, target);
    if (rest) return [key, ...rest];
  }
  return undefined;
}

const BUILTIN_MODULES = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'http',
  'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url',
  'util', 'worker_threads', 'zlib',
]);

function isBuiltin(module: string): boolean {
  const bare = module.startsWith('node:') ? module.slice(5) : module;
  return BUILTIN_MODULES.has(bare.split('/')[0]!);
}

function normalize(module: string | undefined, path: readonly string[]): Origin {
  if (module === undefined) return { module, path };
  let name = module.startsWith('node:') ? module.slice(5) : module;
  let prefix: string[] = [];
  if (isBuiltin(name) && name.endsWith('/promises')) {
    name = name.slice(0, -'/promises'.length);
    prefix = ['promises'];
  }
  // `require('events').EventEmitter.once` is `events.once`; `require('timers').setTimeout` is the global.
  let rest = [...prefix, ...path];
  if (name === 'events' && rest[0] === 'EventEmitter') rest = rest.slice(1);
  return { module: name, path: rest };
}

/** True when `origin` is the global `path` (`isGlobal(o, 'Promise', 'race')`). */
export function isGlobal(origin: Origin | undefined, ...path: string[]): boolean {
  return origin !== undefined && origin.module === undefined && samePath(origin.path, path);
}

/** True when `origin` is the export `path` of `module` (`isFromModule(o, 'timers', 'promises', 'setTimeout')`). */
export function isFromModule(origin: Origin | undefined, module: string, ...path: string[]): boolean {
  return origin !== undefined && origin.module === module && samePath(origin.path, path);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}
