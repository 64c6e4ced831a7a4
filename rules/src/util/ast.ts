import { AST_NODE_TYPES as NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/**
 * typescript-eslint's `AST_NODE_TYPES`, held in a plain binding. `@typescript-eslint/utils`
 * re-exports the enum through three layers of CommonJS getters, so each `AST_NODE_TYPES.X` read
 * through it costs three getter calls; rules compare node types in listeners that run for every
 * call in a file, where those getters were 15-25% of a rule's time. Rule code imports it from here.
 */
export const AST_NODE_TYPES: typeof NODE_TYPES = NODE_TYPES;

export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

export function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression
  );
}

export type LoopNode =
  | TSESTree.DoWhileStatement
  | TSESTree.ForInStatement
  | TSESTree.ForOfStatement
  | TSESTree.ForStatement
  | TSESTree.WhileStatement;

export function isLoopNode(node: TSESTree.Node | null | undefined): node is LoopNode {
  switch (node?.type) {
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.WhileStatement:
      return true;
    default:
      return false;
  }
}

/** Strips wrappers that do not change the value: `a?.b`, `x!`, `x as T`, `x satisfies T`, `<T>x`. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The static name of a member's property (`a.b`, `a['b']`, `a?.b`), or undefined when computed. */
export function getPropertyName(member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === AST_NODE_TYPES.Identifier) return member.property.name;
  if (member.property.type === AST_NODE_TYPES.Literal && typeof member.property.value === 'string') {
    return member.property.value;
  }
  return undefined;
}

/** The name of an object key (`{ signal }`, `{ 'signal': x }`), or undefined when computed. */
export function getKeyName(property: TSESTree.Property | TSESTree.PropertyDefinition | TSESTree.MethodDefinition): string | undefined {
  if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) return property.key.name;
  if (property.key.type === AST_NODE_TYPES.Literal) return String(property.key.value);
  return undefined;
}

/** The method name of a call `x.name(...)` / `x?.name(...)`, or undefined for other callees. */
export function getMethodName(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrap(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
}

/** The receiver of a method call `recv.name(...)`. */
export function getReceiver(call: TSESTree.CallExpression): TSESTree.Expression | undefined {
  const callee = unwrap(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : undefined;
}

/** The name of the called function or method: `f()` → f, `a.b.f()` → f. */
export function getCalleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | undefined {
  const callee = unwrap(call.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(callee);
  return undefined;
}

/** The innermost function containing `node` (not `node` itself), or undefined at top level. */
export function getEnclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(current)) return current;
  }
  return undefined;
}

/** The innermost loop whose body contains `node`, without crossing a function boundary. */
export function getEnclosingLoop(node: TSESTree.Node): LoopNode | undefined {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (isFunctionNode(current)) return undefined;
    if (isLoopNode(current) && isInLoopBody(current, child)) return current;
  }
  return undefined;
}

/** True when `child` is re-evaluated on each iteration of `loop` (its body, test or update). */
function isInLoopBody(loop: LoopNode, child: TSESTree.Node): boolean {
  switch (loop.type) {
    case AST_NODE_TYPES.ForStatement:
      return child !== loop.init;
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return child === loop.body;
    default:
      return true;
  }
}

/** True when `inner` is `outer` or lies inside it. */
export function isWithin(inner: TSESTree.Node, outer: TSESTree.Node): boolean {
  return inner.range[0] >= outer.range[0] && inner.range[1] <= outer.range[1];
}

/**
 * Calls `visit` on every node under `root` (root included) in source order. Return `false` from
 * `visit` to skip a node's children. Uses the parser's visitor keys, so TypeScript nodes work.
 */
export function walk(
  root: TSESTree.Node,
  visitorKeys: TSESLint.SourceCode.VisitorKeys,
  visit: (node: TSESTree.Node) => boolean | void,
): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const keys = visitorKeys[node.type] ?? [];
    for (let k = keys.length - 1; k >= 0; k--) {
      const value = (node as unknown as Record<string, unknown>)[keys[k]!];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const child = value[i] as TSESTree.Node | null;
          if (child && typeof child.type === 'string') stack.push(child);
        }
      } else if (value && typeof (value as TSESTree.Node).type === 'string') {
        stack.push(value as TSESTree.Node);
      }
    }
  }
}

/** Finds the first node under `root` that satisfies `predicate`. */
export function findNode(
  root: TSESTree.Node,
  visitorKeys: TSESLint.SourceCode.VisitorKeys,
  predicate: (node: TSESTree.Node) => boolean,
  options: { enterFunctions?: boolean } = {},
): TSESTree.Node | undefined {
  let found: TSESTree.Node | undefined;
  walk(root, visitorKeys, (node) => {
    if (found) return false;
    if (predicate(node)) {
      found = node;
      return false;
    }
    if (options.enterFunctions === false && node !== root && isFunctionNode(node)) return false;
    return true;
  });
  return found;
}

/** True when some node under `root` satisfies `predicate` (see {@link findNode}). */
export function someNode(
  root: TSESTree.Node,
  visitorKeys: TSESLint.SourceCode.VisitorKeys,
  predicate: (node: TSESTree.Node) => boolean,
  options: { enterFunctions?: boolean } = {},
): boolean {
  return findNode(root, visitorKeys, predicate, options) !== undefined;
}

/** True when some call under `root` satisfies `predicate`. */
export function someCall(
  root: TSESTree.Node,
  visitorKeys: TSESLint.SourceCode.VisitorKeys,
  predicate: (call: TSESTree.CallExpression) => boolean,
): boolean {
  return someNode(root, visitorKeys, (node) => node.type === AST_NODE_TYPES.CallExpression && predicate(node));
}

/** True when an object expression has a property named `name` (or a spread, which may hold it). */
export function objectHasProperty(node: TSESTree.ObjectExpression, name: string, spreadCounts = true): boolean {
  return node.properties.some((property) =>
    property.type === AST_NODE_TYPES.SpreadElement ? spreadCounts : getKeyName(property) === name,
  );
}

/**
 * False only when the file's text has no match for `pattern` (one without the `g`/`y` flags), so
 * no identifier, property name or string in it can spell the names a rule looks for: the rule
 * then returns no listeners for the file and costs nothing on the many files that never mention
 * them. An identifier can hide a name behind a unicode escape (`r\u0061ce`), so a file
 * containing `\u` always passes.
 */
export function sourceMayMention(text: string, pattern: RegExp): boolean {
  return pattern.test(text) || text.includes('\\u');
}
